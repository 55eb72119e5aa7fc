import Foundation

/// Validation rules shared by the storage kinds, worded as Kubernetes words them
/// (`pkg/apis/core/validation`, `pkg/apis/storage/validation`).
enum StorageValidation {
    /// Kubernetes' `isNotPositiveErrorMsg`.
    static let notPositive = "must be greater than zero"
    /// Kubernetes' `isNegativeErrorMsg`.
    static let negative = "must be greater than or equal to 0"
    /// Kubernetes' `ValidateImmutableField` detail.
    static let immutable = "field is immutable"

    /// `path: Invalid value: "0": must be greater than zero` unless `quantity` > 0.
    static func positiveQuantity(_ quantity: Quantity, _ path: FieldPath) -> [FieldError] {
        quantity > Quantity(bytes: 0) ? [] : [.invalid(path, quantity.description, notPositive)]
    }

    /// `path: Invalid value: "-1": must be greater than or equal to 0` when `quantity` < 0.
    static func nonNegativeQuantity(_ quantity: Quantity, _ path: FieldPath) -> [FieldError] {
        quantity < Quantity(bytes: 0) ? [.invalid(path, quantity.description, negative)] : []
    }

    /// `path: Invalid value: <value>: field is immutable` when `new` differs from `old`. `value` is the new value
    /// as Kubernetes prints it (strings quoted by the caller when they are strings).
    static func immutableField<T: Equatable>(_ new: T, _ old: T, _ path: FieldPath, shown value: String) -> [FieldError] {
        new == old ? [] : [FieldError(.invalid, path, value: value, detail: immutable)]
    }

    /// How Kubernetes prints an optional string in an `Invalid value`: quoted, or `null` when absent.
    static func shown(_ value: String?) -> String {
        value.map(FieldError.quoted) ?? "null"
    }

    /// How Stowage prints a structured value in an `Invalid value`: its compact JSON (Kubernetes prints Go's
    /// `%#v`, which has no Swift equivalent), or `null` when absent.
    static func shownJSON<T: Encodable>(_ value: T?) -> String {
        guard let value else { return "null" }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(value), let text = String(data: data, encoding: .utf8) else {
            return "null"
        }
        return text
    }

    /// Kubernetes' `ValidateCSIDriverName`: required, at most 63 characters, a DNS-1123 subdomain once
    /// lower-cased.
    static func csiDriverName(_ name: String, _ path: FieldPath) -> [FieldError] {
        var errors: [FieldError] = []
        if name.isEmpty { errors.append(.required(path)) }
        if name.utf8.count > 63 {
            errors.append(.tooLong(path, maxLength: 63))
        }
        for message in NameValidation.dns1123Subdomain(name.lowercased()) {
            errors.append(.invalid(path, name, message))
        }
        return errors
    }

    /// Kubernetes' `ValidateClassName` (a DNS-1123 subdomain) reported as `Invalid value` at `path`.
    static func className(_ name: String, _ path: FieldPath) -> [FieldError] {
        NameValidation.dns1123Subdomain(name).map { .invalid(path, name, $0) }
    }

    /// Kubernetes' `ValidateQualifiedName` / `ValidateLabelName`: each problem as `Invalid value` at `path`.
    static func qualifiedName(_ name: String, _ path: FieldPath) -> [FieldError] {
        NameValidation.qualifiedName(name).map { .invalid(path, name, $0) }
    }

    /// Kubernetes' `validatePathNoBacksteps`: no `..` element.
    static func pathNoBacksteps(_ text: String, _ path: FieldPath) -> [FieldError] {
        text.split(separator: "/", omittingEmptySubsequences: false).contains("..")
            ? [.invalid(path, text, "must not contain '..'")] : []
    }

    /// The access-mode rules shared by volumes and claims: each mode supported, and `ReadWriteOncePod` alone.
    static func accessModes(_ modes: [String], _ path: FieldPath) -> [FieldError] {
        var errors: [FieldError] = []
        var podMode = false
        var otherMode = false
        for mode in modes {
            if !PersistentVolumeAccessMode.all.contains(mode) {
                errors.append(.notSupported(path, mode, supported: PersistentVolumeAccessMode.all))
            }
            if mode == PersistentVolumeAccessMode.readWriteOncePod {
                podMode = true
            } else if PersistentVolumeAccessMode.all.contains(mode) {
                otherMode = true
            }
        }
        if podMode && otherMode {
            errors.append(.forbidden(path, "may not use ReadWriteOncePod with other access modes"))
        }
        return errors
    }

    /// `volumeMode` must be `Filesystem` or `Block` when set.
    static func volumeMode(_ mode: String?, _ path: FieldPath) -> [FieldError] {
        guard let mode, !PersistentVolumeMode.all.contains(mode) else { return [] }
        return [.notSupported(path, mode, supported: PersistentVolumeMode.all)]
    }
}
