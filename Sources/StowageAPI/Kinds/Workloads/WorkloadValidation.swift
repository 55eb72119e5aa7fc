/// Checks shared by the Pod and StatefulSet validations, worded as Kubernetes words them.
enum WorkloadValidation {
    /// Kubernetes' `ValidateNonnegativeField`.
    static func nonNegative<N: BinaryInteger & CustomStringConvertible>(_ value: N?, _ path: FieldPath) -> [FieldError] {
        guard let value, value < 0 else { return [] }
        return [.invalid(path, number: value, "must be greater than or equal to 0")]
    }

    /// A DNS-1123 label (`ValidateDNS1123Label`): one `Invalid value` per problem.
    static func dns1123Label(_ value: String, _ path: FieldPath) -> [FieldError] {
        NameValidation.dns1123Label(value).map { FieldError.invalid(path, value, $0) }
    }

    /// A DNS-1123 subdomain: one `Invalid value` per problem.
    static func dns1123Subdomain(_ value: String, _ path: FieldPath) -> [FieldError] {
        NameValidation.dns1123Subdomain(value).map { FieldError.invalid(path, value, $0) }
    }

    /// Kubernetes' `ValidateLabels`: keys are qualified names, values label values; errors at `path` itself.
    static func labels(_ labels: [String: String]?, _ path: FieldPath) -> [FieldError] {
        var errors: [FieldError] = []
        for key in (labels ?? [:]).keys.sorted() {
            errors += NameValidation.qualifiedName(key).map { FieldError.invalid(path, key, $0) }
            let value = labels?[key] ?? ""
            errors += NameValidation.labelValue(value).map { FieldError.invalid(path, value, $0) }
        }
        return errors
    }

    /// Kubernetes' `validatePathNoBacksteps`: no `..` element.
    static func noBacksteps(_ target: String, _ path: FieldPath) -> [FieldError] {
        let parts = target.split(separator: "/", omittingEmptySubsequences: false)
        return parts.contains("..") ? [.invalid(path, target, "must not contain '..'")] : []
    }

    /// Kubernetes' `validateLocalDescendingPath`: relative and without `..`.
    static func localDescendingPath(_ target: String, _ path: FieldPath) -> [FieldError] {
        var errors: [FieldError] = []
        if target.hasPrefix("/") { errors.append(.invalid(path, target, "must be a relative path")) }
        return errors + noBacksteps(target, path)
    }

    /// A user or group id (`IsValidUserID`, `IsValidGroupID`).
    static func unixID(_ value: Int64?, _ path: FieldPath) -> [FieldError] {
        guard let value, value < 0 || value > Int64(Int32.max) else { return [] }
        return [.invalid(path, number: value, "must be between 0 and 2147483647, inclusive")]
    }

    /// A string map as Go's `%#v` prints it: `map[string]string{"app":"web", "tier":"db"}`.
    static func goStringMap(_ map: [String: String]?) -> String {
        guard let map else { return "map[string]string(nil)" }
        let entries = map.keys.sorted().map { "\(FieldError.quoted($0)):\(FieldError.quoted(map[$0] ?? ""))" }
        return "map[string]string{" + entries.joined(separator: ", ") + "}"
    }

    /// An `IntOrString` as Go's `%#v` prints it: `intstr.IntOrString{Type:0, IntVal:2, StrVal:""}`.
    static func goIntOrString(_ value: IntOrString) -> String {
        switch value {
        case .int(let number): return "intstr.IntOrString{Type:0, IntVal:\(number), StrVal:\"\"}"
        case .string(let text): return "intstr.IntOrString{Type:1, IntVal:0, StrVal:\(FieldError.quoted(text))}"
        }
    }
}
