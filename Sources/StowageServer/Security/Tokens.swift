import Crypto
import Foundation

/// Bearer tokens: the admin token generated on first start (`<state-dir>/pki/admin.token`, 0600) and, optionally,
/// a Kubernetes static token file (CSV: `token,user,uid,"group1,group2"`).
public struct TokenTable: Sendable {
    private let users: [String: AuthenticatedUser]

    public init(users: [String: AuthenticatedUser]) { self.users = users }

    /// Who a token belongs to, compared in constant time per entry.
    public func user(for token: String) -> AuthenticatedUser? {
        let presented = Array(token.utf8)
        var found: AuthenticatedUser?
        for (known, user) in users where Self.constantTimeEqual(Array(known.utf8), presented) { found = user }
        return found
    }

    /// The admin token in `directory/admin.token`, created (32 random bytes, base64url) when missing.
    public static func loadOrCreateAdminToken(directory: String) throws -> String {
        let path = directory + "/admin.token"
        if let existing = try? String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines), !existing.isEmpty {
            return existing
        }
        let bytes = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
        let token = bytes.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        try SecretFile.write(token + "\n", to: path)
        return token
    }

    /// Parses a static token file; errors name the file and line.
    public static func parseTokenFile(_ path: String) throws -> [String: AuthenticatedUser] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw PKIError("cannot read the tokens file \(path)") }
        var users: [String: AuthenticatedUser] = [:]
        for (number, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let fields = csvFields(line)
            guard fields.count >= 3, !fields[0].isEmpty, !fields[1].isEmpty else {
                throw PKIError("\(path):\(number + 1): expected token,user,uid[,\"group1,group2\"]")
            }
            let groups = fields.count > 3 ? fields[3].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } : []
            users[fields[0]] = AuthenticatedUser(name: fields[1], groups: groups)
        }
        return users
    }

    private static func csvFields(_ line: String) -> [String] {
        var fields: [String] = []
        var current = ""
        var quoted = false
        for character in line {
            if character == "\"" { quoted.toggle(); continue }
            if character == ",", !quoted { fields.append(current); current = ""; continue }
            current.append(character)
        }
        fields.append(current)
        return fields
    }

    private static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}
