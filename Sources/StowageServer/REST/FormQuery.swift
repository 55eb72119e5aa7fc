import Foundation
import Hummingbird

/// A request's query string decoded as Go's `url.Values` encodes it (kubectl's): `+` is a space, `%XX` a byte,
/// and a key may repeat (`command=sh&command=-c`).
struct FormQuery: Sendable {
    /// The pairs in order.
    let pairs: [(key: String, value: String)]

    init(_ request: Request) {
        pairs = (request.uri.query ?? "").split(separator: "&").map { item in
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (Self.decode(parts[0]), parts.count > 1 ? Self.decode(parts[1]) : "")
        }
    }

    /// The last value of `key`.
    subscript(_ key: String) -> String? { pairs.last { $0.key == key }?.value }

    /// Every value of `key`, in order.
    func all(_ key: String) -> [String] { pairs.filter { $0.key == key }.map(\.value) }

    private static func decode(_ text: Substring) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }
}
