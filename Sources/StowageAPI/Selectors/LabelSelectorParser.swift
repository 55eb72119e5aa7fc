/// Why a label selector string could not be parsed: Kubernetes' message, plus the position (0-based, in
/// characters) of the token at fault.
public struct LabelSelectorParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Kubernetes' wording, e.g. `unable to parse requirement: found ')', expected: identifier`.
    public var message: String
    /// Where the offending token starts (the string's length for "end of string").
    public var position: Int

    /// An error at `position`.
    public init(_ message: String, position: Int) {
        self.message = message
        self.position = position
    }

    public var description: String { "\(message) at position \(position)" }
}

/// A recursive-descent parser for the label selector string form, following Kubernetes' grammar and messages.
enum LabelSelectorParser {
    enum Token: Equatable {
        case identifier, doesNotExist, equals, doubleEquals, notEquals, greaterThan, lessThan
        case `in`, notIn, openParen, closeParen, comma, end
    }

    struct Item {
        var token: Token
        var literal: String
        var position: Int
    }

    static func parse(_ text: String) throws(LabelSelectorParseError) -> [LabelRequirement] {
        var cursor = Cursor(items: scan(text))
        var requirements: [LabelRequirement] = []
        while true {
            let next = cursor.peek()
            switch next.token {
            case .identifier, .doesNotExist:
                do {
                    requirements.append(try parseRequirement(&cursor))
                } catch {
                    throw LabelSelectorParseError("unable to parse requirement: " + error.message, position: error.position)
                }
                let after = cursor.next()
                switch after.token {
                case .end:
                    return requirements
                case .comma:
                    let following = cursor.peek()
                    if following.token != .identifier && following.token != .doesNotExist {
                        throw LabelSelectorParseError("found '\(following.literal)', expected: identifier after ','", position: following.position)
                    }
                default:
                    throw LabelSelectorParseError("found '\(after.literal)', expected: ',' or 'end of string'", position: after.position)
                }
            case .end:
                return requirements
            default:
                throw LabelSelectorParseError("found '\(next.literal)', expected: !, identifier, or 'end of string'", position: next.position)
            }
        }
    }

    static func parseRequirement(_ cursor: inout Cursor) throws(LabelSelectorParseError) -> LabelRequirement {
        var item = cursor.next()
        var negated = false
        if item.token == .doesNotExist {
            negated = true
            item = cursor.next()
        }
        guard item.token == .identifier else {
            throw LabelSelectorParseError("found '\(item.literal)', expected: identifier", position: item.position)
        }
        let key = item.literal
        let op: LabelRequirement.Operator
        var values: [String] = []
        var valuesPosition = item.position
        let lookahead = cursor.peek().token
        if negated || lookahead == .end || lookahead == .comma {
            op = negated ? .doesNotExist : .exists
        } else {
            let opItem = cursor.next(keywords: true)
            valuesPosition = cursor.peek().position
            switch opItem.token {
            case .in: op = .in
            case .notIn: op = .notIn
            case .equals: op = .equals
            case .doubleEquals: op = .doubleEquals
            case .notEquals: op = .notEquals
            case .greaterThan: op = .greaterThan
            case .lessThan: op = .lessThan
            default:
                throw LabelSelectorParseError("found '\(opItem.literal)', expected: in, notin, =, ==, !=, gt, lt", position: opItem.position)
            }
            values = (op == .in || op == .notIn) ? try parseValueList(&cursor) : try parseExactValue(&cursor)
        }
        do {
            return try LabelRequirement(key: key, operator: op, values: values)
        } catch {
            let blamesKey = error.errors.contains { $0.field.description == "key" }
            throw LabelSelectorParseError(error.description, position: blamesKey ? item.position : valuesPosition)
        }
    }

    static func parseValueList(_ cursor: inout Cursor) throws(LabelSelectorParseError) -> [String] {
        let open = cursor.next()
        guard open.token == .openParen else {
            throw LabelSelectorParseError("found '\(open.literal)' expected: '('", position: open.position)
        }
        let first = cursor.peek()
        switch first.token {
        case .closeParen:
            _ = cursor.next()
            return [""]
        case .identifier, .comma:
            var values: [String] = []
            while true {
                let item = cursor.next()
                switch item.token {
                case .identifier:
                    values.append(item.literal)
                    let after = cursor.peek()
                    if after.token == .closeParen {
                        _ = cursor.next()
                        return values
                    }
                    guard after.token == .comma else {
                        throw LabelSelectorParseError("found '\(after.literal)', expected: ',' or ')'", position: after.position)
                    }
                    _ = cursor.next()
                    // An empty value between commas or before ')' is the empty string.
                    let following = cursor.peek().token
                    if following == .comma || following == .closeParen { values.append("") }
                    if following == .closeParen {
                        _ = cursor.next()
                        return values
                    }
                case .comma:
                    values.append("")
                    if cursor.peek().token == .closeParen {
                        _ = cursor.next()
                        return values
                    }
                default:
                    throw LabelSelectorParseError("found '\(item.literal)', expected: ',', or identifier", position: item.position)
                }
            }
        default:
            throw LabelSelectorParseError("found '\(first.literal)', expected: ',', ')' or identifier", position: first.position)
        }
    }

    static func parseExactValue(_ cursor: inout Cursor) throws(LabelSelectorParseError) -> [String] {
        let next = cursor.peek()
        if next.token == .end || next.token == .comma { return [""] }
        let item = cursor.next()
        guard item.token == .identifier else {
            throw LabelSelectorParseError("found '\(item.literal)', expected: identifier", position: item.position)
        }
        return [item.literal]
    }

    /// Reads tokens one at a time; `in` and `notin` are plain identifiers except where an operator is expected.
    struct Cursor {
        var items: [Item]
        var index = 0

        func peek() -> Item { demote(items[min(index, items.count - 1)]) }

        mutating func next(keywords: Bool = false) -> Item {
            let item = items[min(index, items.count - 1)]
            index += 1
            return keywords ? item : demote(item)
        }

        private func demote(_ item: Item) -> Item {
            var item = item
            if item.token == .in || item.token == .notIn { item.token = .identifier }
            return item
        }
    }

    /// Splits `text` into tokens; whitespace separates, `!=(),<>` are symbols, anything else is an identifier.
    static func scan(_ text: String) -> [Item] {
        let characters = Array(text)
        var items: [Item] = []
        var index = 0
        let symbols: Set<Character> = ["=", "!", "(", ")", ",", ">", "<"]
        while index < characters.count {
            let character = characters[index]
            if character.isWhitespace {
                index += 1
                continue
            }
            if symbols.contains(character) {
                let pair = index + 1 < characters.count ? String([character, characters[index + 1]]) : ""
                if pair == "!=" || pair == "==" {
                    items.append(Item(token: pair == "!=" ? .notEquals : .doubleEquals, literal: pair, position: index))
                    index += 2
                    continue
                }
                let token: Token = switch character {
                case "=": .equals
                case "!": .doesNotExist
                case "(": .openParen
                case ")": .closeParen
                case ",": .comma
                case ">": .greaterThan
                default: .lessThan
                }
                items.append(Item(token: token, literal: String(character), position: index))
                index += 1
                continue
            }
            let start = index
            while index < characters.count, !characters[index].isWhitespace, !symbols.contains(characters[index]) { index += 1 }
            let word = String(characters[start..<index])
            let token: Token = word == "in" ? .in : (word == "notin" ? .notIn : .identifier)
            items.append(Item(token: token, literal: word, position: start))
        }
        items.append(Item(token: .end, literal: "", position: characters.count))
        return items
    }
}
