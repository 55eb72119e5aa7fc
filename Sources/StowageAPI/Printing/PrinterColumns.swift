import Foundation
import StowageJSON

/// The columns `kubectl get` shows for a kind (the same ones a `meta.k8s.io/v1` Table carries), computed from an
/// object's JSON so that the CLI and the API server print identically.
public struct PrinterColumn: Sendable {
    public var name: String
    /// Computes the cell from the object's JSON tree.
    public var value: @Sendable (JSONValue) -> String
    /// Shown only with `-o wide`.
    public var wide: Bool

    public init(_ name: String, wide: Bool = false, _ value: @escaping @Sendable (JSONValue) -> String) {
        self.name = name
        self.wide = wide
        self.value = value
    }

    /// A column showing the string at a dotted path (`status.phase`), or "" when absent.
    public static func path(_ name: String, _ path: String, wide: Bool = false) -> PrinterColumn {
        PrinterColumn(name, wide: wide) { PrinterColumns.text(at: path, in: $0) }
    }
}

/// Column sets per kind, after kubectl's printers.
public enum PrinterColumns {
    /// The NAME cell: the object's name, with ` (default)` after the default StorageClass's, as kubectl shows it.
    public static func name(in tree: JSONValue, of resource: APIResource) -> String {
        let name = text(at: "metadata.name", in: tree)
        guard resource.kind == "StorageClass",
              tree["metadata"]?["annotations"]?["storageclass.kubernetes.io/is-default-class"]?.stringValue == "true" else { return name }
        return name + " (default)"
    }

    /// The columns of `kind` after NAME (AGE is always last).
    public static func columns(for resource: APIResource) -> [PrinterColumn] {
        switch resource.kind {
        case "PersistentVolume":
            return [.path("CAPACITY", "spec.capacity.storage"), accessModes("spec.accessModes"),
                    .path("RECLAIM POLICY", "spec.persistentVolumeReclaimPolicy"), .path("STATUS", "status.phase"),
                    PrinterColumn("CLAIM") { tree in
                        let ns = text(at: "spec.claimRef.namespace", in: tree), name = text(at: "spec.claimRef.name", in: tree)
                        return name.isEmpty ? "" : "\(ns)/\(name)"
                    },
                    .path("STORAGECLASS", "spec.storageClassName"), volumeAttributesClass("spec.volumeAttributesClassName"),
                    .path("REASON", "status.reason"),
                    .path("VOLUMEMODE", "spec.volumeMode", wide: true)]
        case "PersistentVolumeClaim":
            return [.path("STATUS", "status.phase"), .path("VOLUME", "spec.volumeName"),
                    .path("CAPACITY", "status.capacity.storage"), accessModes("status.accessModes"),
                    .path("STORAGECLASS", "spec.storageClassName"), volumeAttributesClass("spec.volumeAttributesClassName"),
                    .path("VOLUMEMODE", "spec.volumeMode", wide: true)]
        case "StorageClass":
            return [.path("PROVISIONER", "provisioner"), .path("RECLAIMPOLICY", "reclaimPolicy"),
                    .path("VOLUMEBINDINGMODE", "volumeBindingMode"),
                    PrinterColumn("ALLOWVOLUMEEXPANSION") { tree in
                        if case .bool(let flag)? = value(at: "allowVolumeExpansion", in: tree) { return flag ? "true" : "false" }
                        return "false"
                    }]
        case "Pod":
            return [PrinterColumn("READY") { tree in
                        let statuses = value(at: "status.containerStatuses", in: tree)?.arrayValue ?? []
                        let total = value(at: "spec.containers", in: tree)?.arrayValue?.count ?? 0
                        let ready = statuses.filter { $0["ready"] == .bool(true) }.count
                        return "\(ready)/\(total)"
                    },
                    .path("STATUS", "status.phase"),
                    PrinterColumn("RESTARTS") { tree in
                        let statuses = value(at: "status.containerStatuses", in: tree)?.arrayValue ?? []
                        return String(statuses.reduce(0) { $0 + (Int($1["restartCount"].flatMap { if case .number(let n) = $0 { n } else { nil } } ?? "0") ?? 0) })
                    },
                    .path("NODE", "spec.nodeName", wide: true)]
        case "StatefulSet":
            return [PrinterColumn("READY") { tree in
                let ready = text(at: "status.readyReplicas", in: tree), wanted = text(at: "spec.replicas", in: tree)
                return "\(ready.isEmpty ? "0" : ready)/\(wanted.isEmpty ? "0" : wanted)"
            }]
        case "ControllerRevision":
            return [PrinterColumn("CONTROLLER") { tree in
                        let owner = value(at: "metadata.ownerReferences", in: tree)?.arrayValue?.first
                        guard let owner, case .string(let kind)? = owner["kind"], case .string(let name)? = owner["name"] else { return "<none>" }
                        return "\(kind.lowercased()).apps/\(name)"
                    },
                    .path("REVISION", "revision")]
        case "Namespace":
            return [.path("STATUS", "status.phase")]
        case "Event":
            return [.path("TYPE", "type"), .path("REASON", "reason"),
                    PrinterColumn("OBJECT") { tree in
                        "\(text(at: "involvedObject.kind", in: tree).lowercased())/\(text(at: "involvedObject.name", in: tree))"
                    },
                    .path("MESSAGE", "message")]
        case "CSIDriver":
            return [.path("ATTACHREQUIRED", "spec.attachRequired"), .path("PODINFOONMOUNT", "spec.podInfoOnMount"),
                    .path("STORAGECAPACITY", "spec.storageCapacity")]
        case "CSIStorageCapacity":
            return [.path("STORAGECLASSNAME", "storageClassName"), .path("CAPACITY", "capacity")]
        default:
            return []
        }
    }

    /// The value at a dotted path of an object tree.
    public static func value(at path: String, in tree: JSONValue) -> JSONValue? {
        var current: JSONValue? = tree
        for part in path.split(separator: ".") { current = current?[String(part)] }
        return current
    }

    /// The value at a dotted path as text ("" when absent; numbers and booleans as written).
    public static func text(at path: String, in tree: JSONValue) -> String {
        switch value(at: path, in: tree) {
        case .string(let text)?: return text
        case .number(let text)?: return text
        case .bool(let flag)?: return flag ? "true" : "false"
        default: return ""
        }
    }

    /// kubectl 1.32's VOLUMEATTRIBUTESCLASS column: the class, or `<unset>`.
    private static func volumeAttributesClass(_ path: String) -> PrinterColumn {
        PrinterColumn("VOLUMEATTRIBUTESCLASS") { tree in
            let name = text(at: path, in: tree)
            return name.isEmpty ? "<unset>" : name
        }
    }

    private static func accessModes(_ path: String) -> PrinterColumn {
        PrinterColumn("ACCESS MODES") { tree in
            let short = ["ReadWriteOnce": "RWO", "ReadOnlyMany": "ROX", "ReadWriteMany": "RWX", "ReadWriteOncePod": "RWOP"]
            return (value(at: path, in: tree)?.arrayValue ?? []).compactMap { $0.stringValue.map { short[$0] ?? $0 } }.joined(separator: ",")
        }
    }

    /// Kubernetes' short age format: `45s`, `3m`, `5h`, `2d`.
    public static func age(since created: Timestamp?, now: Date = Date()) -> String {
        guard let created else { return "<unknown>" }
        let seconds = max(0, Int(now.timeIntervalSince1970) - Int(created.secondsSinceEpoch))
        if seconds < 120 { return "\(seconds)s" }
        if seconds < 120 * 60 { return "\(seconds / 60)m" }
        if seconds < 48 * 3600 { return "\(seconds / 3600)h" }
        return "\(seconds / 86400)d"
    }
}
