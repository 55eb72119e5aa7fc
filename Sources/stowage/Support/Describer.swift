import Foundation
import StowageAPI
import StowageJSON

/// `kubectl describe`-style text: the object's identity, the fields people look at for its kind, then its
/// events, oldest first.
struct Describer {
    /// A labelled line: its label and where its value comes from.
    private struct Line {
        var label: String
        var value: (JSONValue) -> String
        init(_ label: String, _ path: String) {
            self.label = label
            self.value = { PrinterColumns.text(at: path, in: $0) }
        }
        init(_ label: String, value: @escaping (JSONValue) -> String) {
            self.label = label
            self.value = value
        }
    }

    func describe<T: APIObject>(_ object: T, events: [Event]) throws -> String {
        let tree = try APICodec.tree(object)
        var lines: [(String, String)] = [("Name", object.metadata.name ?? "")]
        if T.resource.namespaced { lines.append(("Namespace", object.metadata.namespace ?? "")) }
        for line in Self.fields(for: T.resource.kind) { lines.append((line.label, line.value(tree))) }
        lines.append(("Labels", Self.pairs(object.metadata.labels)))
        lines.append(("Annotations", Self.pairs(object.metadata.annotations)))
        if let finalizers = object.metadata.finalizers, !finalizers.isEmpty {
            lines.append(("Finalizers", "[\(finalizers.joined(separator: " "))]"))
        }
        if let deleted = object.metadata.deletionTimestamp {
            lines.append(("Terminating", "since \(PrinterColumns.age(since: deleted)) ago"))
        }
        lines.append(("Created", PrinterColumns.age(since: object.metadata.creationTimestamp) + " ago"))
        let width = (lines.map(\.0.count).max() ?? 0) + 2
        var out = lines.map { label, value in
            let shown = value.isEmpty ? "<none>" : value
            let indented = shown.split(separator: "\n", omittingEmptySubsequences: false)
                .joined(separator: "\n" + String(repeating: " ", count: width + 1))
            return (label + ":").padding(toLength: width + 1, withPad: " ", startingAt: 0) + indented
        }.joined(separator: "\n") + "\n"
        out += Self.conditions(tree)
        out += Self.events(events)
        return out
    }

    private static func fields(for kind: String) -> [Line] {
        switch kind {
        case "PersistentVolumeClaim":
            return [Line("StorageClass", "spec.storageClassName"), Line("Status", "status.phase"), Line("Volume", "spec.volumeName"),
                    Line("Capacity", "status.capacity.storage"), Line("Access Modes", value: accessModes("status.accessModes")),
                    Line("VolumeMode", "spec.volumeMode"), Line("Requested", "spec.resources.requests.storage")]
        case "PersistentVolume":
            return [Line("StorageClass", "spec.storageClassName"), Line("Status", "status.phase"),
                    Line("Claim", value: { tree in
                        let name = PrinterColumns.text(at: "spec.claimRef.name", in: tree)
                        return name.isEmpty ? "" : PrinterColumns.text(at: "spec.claimRef.namespace", in: tree) + "/" + name
                    }),
                    Line("Reclaim Policy", "spec.persistentVolumeReclaimPolicy"), Line("Access Modes", value: accessModes("spec.accessModes")),
                    Line("VolumeMode", "spec.volumeMode"), Line("Capacity", "spec.capacity.storage"),
                    Line("Node Affinity", value: { PrinterColumns.value(at: "spec.nodeAffinity", in: $0).map(JSONWriter.string) ?? "" }),
                    Line("Message", "status.message"),
                    Line("Source", value: { PrinterColumns.value(at: "spec.csi", in: $0).map { "CSI " + JSONWriter.string($0) }
                        ?? PrinterColumns.value(at: "spec.hostPath", in: $0).map { "HostPath " + JSONWriter.string($0) } ?? "" })]
        case "StorageClass":
            return [Line("IsDefaultClass", value: { tree in
                        tree["metadata"]?["annotations"]?["storageclass.kubernetes.io/is-default-class"]?.stringValue == "true" ? "Yes" : "No"
                    }),
                    Line("Provisioner", "provisioner"),
                    Line("Parameters", value: { PrinterColumns.value(at: "parameters", in: $0).map(pairsOf) ?? "" }),
                    Line("AllowVolumeExpansion", "allowVolumeExpansion"), Line("ReclaimPolicy", "reclaimPolicy"),
                    Line("VolumeBindingMode", "volumeBindingMode")]
        case "Pod":
            return [Line("Node", "spec.nodeName"), Line("Status", "status.phase"), Line("IP", "status.hostIP"),
                    Line("Containers", value: { tree in
                        (PrinterColumns.value(at: "spec.containers", in: tree)?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }.joined(separator: ", ")
                    }),
                    Line("Volumes", value: { tree in
                        (PrinterColumns.value(at: "spec.volumes", in: tree)?.arrayValue ?? []).compactMap { volume -> String? in
                            guard let name = volume["name"]?.stringValue else { return nil }
                            if let claim = volume["persistentVolumeClaim"]?["claimName"]?.stringValue { return "\(name) (claim \(claim))" }
                            return name
                        }.joined(separator: "\n")
                    })]
        case "StatefulSet":
            return [Line("Replicas", value: { tree in
                        "\(PrinterColumns.text(at: "spec.replicas", in: tree)) desired | \(PrinterColumns.text(at: "status.replicas", in: tree)) total"
                    }),
                    Line("Pod Management Policy", "spec.podManagementPolicy"), Line("Service Name", "spec.serviceName"),
                    Line("Ready Replicas", "status.readyReplicas"), Line("Update Strategy", "spec.updateStrategy.type")]
        default:
            return []
        }
    }

    private static func accessModes(_ path: String) -> (JSONValue) -> String {
        { tree in
            let short = ["ReadWriteOnce": "RWO", "ReadOnlyMany": "ROX", "ReadWriteMany": "RWX", "ReadWriteOncePod": "RWOP"]
            return (PrinterColumns.value(at: path, in: tree)?.arrayValue ?? []).compactMap { $0.stringValue.map { short[$0] ?? $0 } }.joined(separator: ",")
        }
    }

    private static func pairs(_ map: [String: String]?) -> String {
        guard let map, !map.isEmpty else { return "" }
        return map.keys.sorted().map { "\($0)=\(map[$0] ?? "")" }.joined(separator: "\n")
    }

    private static func pairsOf(_ value: JSONValue) -> String {
        (value.objectValue?.map { "\($0.key)=\(JSONPathTemplate.text($0.value))" } ?? []).joined(separator: ",")
    }

    private static func conditions(_ tree: JSONValue) -> String {
        let conditions = PrinterColumns.value(at: "status.conditions", in: tree)?.arrayValue ?? []
        guard !conditions.isEmpty else { return "" }
        var rows = [["Type", "Status", "Reason", "Message"], ["----", "------", "------", "-------"]]
        for condition in conditions {
            rows.append(["type", "status", "reason", "message"].map { condition[$0]?.stringValue ?? "" })
        }
        return "Conditions:\n" + table(rows)
    }

    private static func events(_ events: [Event]) -> String {
        guard !events.isEmpty else { return "Events:        <none>\n" }
        var rows = [["Type", "Reason", "Age", "From", "Message"], ["----", "------", "----", "----", "-------"]]
        let ordered = events.sorted { ($0.lastTimestamp ?? $0.firstTimestamp)?.secondsSinceEpoch ?? 0 < ($1.lastTimestamp ?? $1.firstTimestamp)?.secondsSinceEpoch ?? 0 }
        for event in ordered {
            var age = PrinterColumns.age(since: event.lastTimestamp ?? event.firstTimestamp ?? event.metadata.creationTimestamp)
            if let count = event.count, count > 1 {
                age += " (x\(count) over \(PrinterColumns.age(since: event.firstTimestamp ?? event.metadata.creationTimestamp)))"
            }
            rows.append([event.type ?? "", event.reason ?? "", age, event.source?.component ?? event.reportingComponent ?? "", event.message ?? ""])
        }
        return "Events:\n" + table(rows)
    }

    private static func table(_ rows: [[String]]) -> String {
        let widths = rows[0].indices.map { index in rows.map { $0[index].count }.max() ?? 0 }
        return rows.map { row in
            "  " + row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(toLength: widths[index] + 2, withPad: " ", startingAt: 0)
            }.joined()
        }.joined(separator: "\n") + "\n"
    }
}
