import ArgumentParser
import Foundation

/// Reads `stowage driver sanity --parameters FILE`: StorageClass-style parameters as a JSON object of strings,
/// or as `key=value` lines (blank lines and lines starting with `#` ignored).
enum DriverParametersFile {
    static func read(_ path: String) throws -> [String: String] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ValidationError("--parameters: cannot read \(path)")
        }
        let text = String(decoding: data, as: UTF8.self)
        if text.trimmingCharacters(in: .whitespacesAndNewlines).hasPrefix("{") {
            do {
                return try JSONDecoder().decode([String: String].self, from: data)
            } catch {
                throw ValidationError("--parameters: \(path) is not a JSON object of string values: \(error)")
            }
        }
        var parameters: [String: String] = [:]
        for (number, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let equals = line.firstIndex(of: "="), equals != line.startIndex else {
                throw ValidationError("--parameters: \(path) line \(number + 1) is not key=value: \(line)")
            }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces)
            parameters[key] = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
        }
        return parameters
    }
}
