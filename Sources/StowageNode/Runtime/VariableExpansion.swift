/// Kubernetes' `$(VAR_NAME)` references in a container's `command`, `args` and `env` values: a reference to a
/// defined variable becomes its value, one to an undefined variable stays as written, and `$$` is an escaped `$`
/// (`$$(VAR)` gives the text `$(VAR)`).
enum VariableExpansion {
    /// `text` with its references replaced through `lookup` (nil: undefined).
    static func expand(_ text: String, _ lookup: (String) -> String?) -> String {
        guard text.contains("$") else { return text }
        var output = ""
        var rest = Substring(text)
        while let dollar = rest.firstIndex(of: "$") {
            output += rest[..<dollar]
            let next = rest.index(after: dollar)
            guard next < rest.endIndex else {
                output += "$"
                return output
            }
            switch rest[next] {
            case "$":
                output += "$"
                rest = rest[rest.index(after: next)...]
            case "(":
                let nameStart = rest.index(after: next)
                guard let close = rest[nameStart...].firstIndex(of: ")") else {
                    output += rest[dollar...]
                    return output
                }
                let name = String(rest[nameStart..<close])
                output += lookup(name) ?? "$(\(name))"
                rest = rest[rest.index(after: close)...]
            default:
                output += "$"
                rest = rest[next...]
            }
        }
        output += rest
        return output
    }
}
