import Testing
import StowageAPI

/// The label selector string form, matching, and the structured selector's compilation and validation.
struct LabelSelectorTests {
    static let qualifiedNameRule = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"

    @Test(arguments: [
        ("env in (dev,prod),tier!=front,!legacy,app,x=y,x==y,z notin (a)",
         "app,env in (dev,prod),!legacy,tier!=front,x=y,x==y,z notin (a)"),
        ("  env   in(prod , dev) ,  tier != front ", "env in (dev,prod),tier!=front"),
        ("", ""),
        ("x=", "x="),
        ("x in (b,a,b)", "x in (a,b)"),
        ("x in ()", "x in ()"),
        ("x in (a,)", "x in (,a)"),
        ("n>3,n<10", "n>3,n<10"),
        ("in=notin", "in=notin"),
        ("example.com/app=web", "example.com/app=web"),
    ])
    func parsesToCanonicalForm(input: String, canonical: String) throws {
        #expect(try LabelSelectorQuery(parsing: input).description == canonical)
    }

    @Test(arguments: [
        (",x", "found ',', expected: !, identifier, or 'end of string' at position 0"),
        ("x=a,", "found '', expected: identifier after ',' at position 4"),
        ("x=a,,y", "found ',', expected: identifier after ',' at position 4"),
        ("x in (a", "unable to parse requirement: found '', expected: ',' or ')' at position 7"),
        ("x in )", "unable to parse requirement: found ')' expected: '(' at position 5"),
        ("x in (a b)", "unable to parse requirement: found 'b', expected: ',' or ')' at position 8"),
        ("x in (=)", "unable to parse requirement: found '=', expected: ',', ')' or identifier at position 6"),
        ("x y", "unable to parse requirement: found 'y', expected: in, notin, =, ==, !=, gt, lt at position 2"),
        ("x=(a)", "unable to parse requirement: found '(', expected: identifier at position 2"),
        ("!x=y", "found '=', expected: ',' or 'end of string' at position 2"),
        ("!=x", "found '!=', expected: !, identifier, or 'end of string' at position 0"),
        ("! =x", "unable to parse requirement: found '=', expected: identifier at position 2"),
        ("x=a b", "found 'b', expected: ',' or 'end of string' at position 4"),
        ("a/b/c=x", "unable to parse requirement: key: Invalid value: \"a/b/c\": a qualified name " + qualifiedNameRule
            + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName') at position 0"),
        ("x=-bad", "unable to parse requirement: values[0][x]: Invalid value: \"-bad\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?') at position 2"),
        ("n>a", "unable to parse requirement: values[0]: Invalid value: \"a\": for 'Gt', 'Lt' operators, the value must be an integer at position 2"),
    ])
    func rejectsWithMessageAndPosition(input: String, message: String) {
        do {
            _ = try LabelSelectorQuery(parsing: input)
            Issue.record("\(input) parsed")
        } catch {
            #expect(error.description == message)
        }
    }

    @Test func errorPositionPointsAtTheToken() {
        do {
            _ = try LabelSelectorQuery(parsing: "env in (dev,prod),tier in ()x")
            Issue.record("parsed")
        } catch {
            #expect(error.position == 28)
            #expect(error.message == "found 'x', expected: ',' or 'end of string'")
        }
    }

    @Test(arguments: [
        ("x=y", ["x": "y"], true), ("x=y", ["x": "z"], false), ("x=y", nil, false), ("x==y", ["x": "y"], true),
        ("x!=y", nil, true), ("x!=y", ["x": "y"], false), ("x!=y", ["x": "z"], true),
        ("!x", nil, true), ("!x", ["x": ""], false), ("x", ["x": ""], true), ("x", [:], false),
        ("x in (a,b)", ["x": "b"], true), ("x in (a,b)", ["x": "c"], false), ("x in (a,b)", [:], false),
        ("x notin (a)", [:], true), ("x notin (a)", ["x": "a"], false), ("x notin (a)", ["x": "b"], true),
        ("n>3", ["n": "4"], true), ("n>3", ["n": "3"], false), ("n<3", ["n": "x"], false), ("n<3", ["n": "-1"], true),
        ("x=", ["x": ""], true), ("x=", [:], false),
        ("", nil, true), ("a=1,b=2", ["a": "1", "b": "2", "c": "3"], true), ("a=1,b=2", ["a": "1"], false),
    ] as [(String, [String: String]?, Bool)])
    func matches(selector: String, labels: [String: String]?, expected: Bool) throws {
        #expect(try LabelSelectorQuery(parsing: selector).matches(labels) == expected)
    }

    @Test func structuredSelectorCompiles() throws {
        let selector = LabelSelector(
            matchLabels: ["app": "web"],
            matchExpressions: [
                LabelSelectorRequirement(key: "tier", operator: "In", values: ["front", "back"]),
                LabelSelectorRequirement(key: "legacy", operator: "DoesNotExist"),
                LabelSelectorRequirement(key: "zone", operator: "Exists"),
                LabelSelectorRequirement(key: "env", operator: "NotIn", values: ["dev"]),
            ])
        let query = try LabelSelectorQuery(selector)
        #expect(query.description == "app=web,env notin (dev),!legacy,tier in (back,front),zone")
        #expect(query.matches(["app": "web", "tier": "front", "zone": "a"]))
        #expect(!query.matches(["app": "web", "tier": "front", "zone": "a", "legacy": "1"]))
        #expect(!query.matches(["app": "web", "tier": "front", "zone": "a", "env": "dev"]))
        #expect(!query.matches(["app": "web", "tier": "front"]))
        #expect(try selector.matches(["app": "web", "tier": "back", "zone": "b", "env": "prod"]))
    }

    @Test func emptyAndMissingSelectors() throws {
        #expect(try LabelSelectorQuery(LabelSelector()).isEverything)
        #expect(try LabelSelectorQuery(LabelSelector(matchLabels: [:], matchExpressions: [])).matches(nil))
        #expect(try LabelSelectorQuery.compile(nil) == .nothing)
        #expect(!LabelSelectorQuery.nothing.matches(["a": "b"]))
        #expect(LabelSelectorQuery.everything.matches(nil))
        #expect(try LabelSelectorQuery.compile(LabelSelector()).matches(["a": "b"]))
    }

    @Test func structuredSelectorRejectsUnknownOperator() {
        let selector = LabelSelector(matchExpressions: [LabelSelectorRequirement(key: "a", operator: "Foo", values: ["x"])])
        #expect(throws: LabelSelectorError.self) { try LabelSelectorQuery(selector) }
    }

    @Test func structuredSelectorValidation() {
        let selector = LabelSelector(
            matchLabels: ["app": "web", "bad key": "-x"],
            matchExpressions: [
                LabelSelectorRequirement(key: "k", operator: "In"),
                LabelSelectorRequirement(key: "k", operator: "Exists", values: ["v"]),
                LabelSelectorRequirement(key: "k", operator: "Foo"),
                LabelSelectorRequirement(key: "a b", operator: "NotIn", values: ["ok", "not ok"]),
                LabelSelectorRequirement(key: "k", operator: "DoesNotExist", values: []),
            ])
        let messages = selector.validate(path: "spec.selector").map(\.description)
        #expect(messages == [
            "spec.selector.matchLabels: Invalid value: \"bad key\": name part " + Self.qualifiedNameRule,
            "spec.selector.matchLabels: Invalid value: \"-x\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
            "spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
            "spec.selector.matchExpressions[1].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
            "spec.selector.matchExpressions[2].operator: Invalid value: \"Foo\": not a valid selector operator",
            "spec.selector.matchExpressions[3].key: Invalid value: \"a b\": name part " + Self.qualifiedNameRule,
            "spec.selector.matchExpressions[3].values[1]: Invalid value: \"not ok\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
        ])
        #expect(LabelSelector(matchLabels: ["app": "web"]).validate(path: "spec.selector").isEmpty)
    }

    @Test func requirementValidation() {
        #expect(throws: LabelSelectorError.self) { try LabelRequirement(key: "x", operator: .in, values: []) }
        #expect(throws: LabelSelectorError.self) { try LabelRequirement(key: "x", operator: .equals, values: ["a", "b"]) }
        #expect(throws: LabelSelectorError.self) { try LabelRequirement(key: "x", operator: .exists, values: ["a"]) }
        do {
            _ = try LabelRequirement(key: "x", operator: .in, values: [])
        } catch {
            #expect(error.description == "values: Invalid value: []string{}: for 'in', 'notin' operators, values set can't be empty")
        }
    }
}
