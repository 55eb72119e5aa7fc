/// Decodes `Decodable` values from a ``JSONValue`` tree (or from bytes, parsed with ``JSONParser``), with
/// `DecodingError`s whose coding paths lead to the problem.
///
/// Faster than Foundation's `JSONDecoder` on the package's types (see the module README). Semantics follow
/// `JSONDecoder` where callers can tell: a missing key throws `keyNotFound`; `decodeIfPresent` maps both
/// absent and `null` to nil; a wrong type throws `typeMismatch` ("expected a string, found number"); numbers
/// are read from their exact text, so 64-bit integers never pass through `Double`.
///
/// ``decodeReportingUnread(_:from:)`` also records which object members no type read, so that callers can
/// warn about fields they do not model (as Kubernetes' `fieldValidation=Warn` does).
public struct JSONTreeDecoder: Sendable {
    /// Passed to every `init(from:)` as `decoder.userInfo`.
    public var userInfo: [CodingUserInfoKey: any Sendable]

    /// A decoder handing `userInfo` to the types it decodes.
    public init(userInfo: [CodingUserInfoKey: any Sendable] = [:]) { self.userInfo = userInfo }

    /// Decodes `type` from `value`.
    /// - Throws: `DecodingError` when the tree does not fit `type`, or whatever the type's `init(from:)` throws.
    public func decode<T: Decodable>(_ type: T.Type, from value: JSONValue) throws -> T {
        let context = TreeDecodingContext(userInfo: userInfo, tracker: nil)
        return try TreeNode(value: value, parent: nil, key: nil, context: context).decodeValue(type)
    }

    /// Parses `bytes` and decodes `type`.
    /// - Throws: ``JSONSyntaxError`` when the bytes are not JSON; `DecodingError` when they do not fit `type`.
    public func decode<T: Decodable>(_ type: T.Type, from bytes: UnsafeRawBufferPointer) throws -> T {
        try decode(type, from: try JSONParser.parse(bytes))
    }

    /// Parses `bytes` and decodes `type`.
    /// - Throws: ``JSONSyntaxError`` when the bytes are not JSON; `DecodingError` when they do not fit `type`.
    public func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        try decode(type, from: try JSONParser.parse(bytes))
    }

    /// Parses `bytes` (`Data`, a slice) and decodes `type`.
    /// - Throws: ``JSONSyntaxError`` when the bytes are not JSON; `DecodingError` when they do not fit `type`.
    public func decode<T: Decodable, Bytes: Sequence>(_ type: T.Type, from bytes: Bytes) throws -> T where Bytes.Element == UInt8 {
        try decode(type, from: try JSONParser.parse(bytes))
    }

    /// Decodes `type` from `value` and lists the object members that were present but never read, in the order
    /// the objects were first visited and, within one object, in document order.
    /// - Throws: as ``decode(_:from:)-(_,JSONValue)``.
    public func decodeReportingUnread<T: Decodable>(_ type: T.Type, from value: JSONValue) throws -> (value: T, unread: [JSONUnreadMember]) {
        let tracker = UnreadMemberTracker()
        let context = TreeDecodingContext(userInfo: userInfo, tracker: tracker)
        let result: T = try TreeNode(value: value, parent: nil, key: nil, context: context).decodeValue(type)
        return (result, tracker.unread())
    }
}

/// An object member that no decoded type asked for.
public struct JSONUnreadMember {
    /// The coding path of the object holding the member.
    public var codingPath: [any CodingKey]
    /// The member's key.
    public var key: String
}

/// What every node of one decoding pass shares.
final class TreeDecodingContext {
    let userInfo: [CodingUserInfoKey: Any]
    let tracker: UnreadMemberTracker?

    init(userInfo: [CodingUserInfoKey: any Sendable], tracker: UnreadMemberTracker?) {
        self.userInfo = userInfo
        self.tracker = tracker
    }
}

/// Remembers each object visited (once per path, however often it is decoded) and the keys read from it.
final class UnreadMemberTracker {
    private struct Visit {
        var codingPath: [any CodingKey]
        var keys: [String]
        var read: Set<String> = []
    }
    private var visits: [Visit] = []
    private var index: [String: Int] = [:]

    /// Registers the object at `codingPath`; returns the handle to mark reads with.
    func register(codingPath: [any CodingKey], object: JSONObject) -> Int {
        let path = Self.pathKey(codingPath)
        if let existing = index[path] { return existing }
        index[path] = visits.count
        visits.append(Visit(codingPath: codingPath, keys: object.keys))
        return visits.count - 1
    }

    func markRead(_ visit: Int, key: String) { visits[visit].read.insert(key) }

    func unread() -> [JSONUnreadMember] {
        visits.flatMap { visit in
            visit.keys.filter { !visit.read.contains($0) }.map { JSONUnreadMember(codingPath: visit.codingPath, key: $0) }
        }
    }

    private static func pathKey(_ codingPath: [any CodingKey]) -> String {
        var text = ""
        for key in codingPath {
            if let position = key.intValue { text += "[\(position)]" } else { text += ".\(key.stringValue)" }
        }
        return text
    }
}

/// The coding key of an array element.
struct TreeIndexKey: CodingKey {
    let index: Int
    var stringValue: String { "Index \(index)" }
    var intValue: Int? { index }
    init(_ index: Int) { self.index = index }
    init?(stringValue: String) { nil }
    init?(intValue: Int) { self.index = intValue }
}
