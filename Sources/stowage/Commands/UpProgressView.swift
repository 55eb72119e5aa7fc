import Foundation
import StowageAPI
import StowageClient

/// What `stowage up` shows on a terminal while StatefulSets converge: each set's READY count and revision, its
/// pods and its claims, redrawn in place (five times a second at most, only when something changed). Off a
/// terminal `up` prints one plain line per change instead.
struct UpProgressView {
    let cluster: LocalCluster
    let sets: [ObjectKey]

    /// Whether standard output is a terminal.
    static var isTerminal: Bool { isatty(STDOUT_FILENO) != 0 }

    /// Redraws until cancelled.
    func run() async throws {
        var shown = ""
        while !Task.isCancelled {
            let text = Self.fitted(try await render(), columns: Self.terminalColumns)
            if text != shown {
                let lines = shown.reduce(0) { $1 == "\n" ? $0 + 1 : $0 }
                // Up over the previous drawing and clear from there down, then draw anew.
                if lines > 0 { print("\u{1B}[\(lines)A\u{1B}[J", terminator: "") }
                print(text, terminator: "")
                fflush(nil)
                shown = text
            }
            try await Task.sleep(for: .milliseconds(200))
        }
    }

    /// The terminal's width, or nil when it does not say.
    static var terminalColumns: Int? {
        var size = winsize()
        guard ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
        return Int(size.ws_col)
    }

    /// `text` with every line cut to fit `columns`: a line the terminal wrapped would take two rows, and moving up
    /// by the number of lines would then leave part of the previous drawing on screen.
    static func fitted(_ text: String, columns: Int?) -> String {
        guard let columns, columns > 1 else { return text }
        return text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.count < columns ? $0 : $0.prefix(columns - 1) }
            .joined(separator: "\n")
    }

    /// The block for every set.
    func render() async throws -> String {
        var text = ""
        for key in sets {
            guard let set = try await cluster.getIfPresent(StatefulSet.self, key) else {
                text += "\nstatefulset/\(key.name): not there\n"
                continue
            }
            let status = set.status
            let rolling = status?.currentRevision != status?.updateRevision
            text += "\nstatefulset/\(key.name)  READY \(status?.readyReplicas ?? 0)/\(set.spec?.replicas ?? 1)"
                + "  UPDATED \(status?.updatedReplicas ?? 0)  REVISION \(status?.updateRevision ?? "-")"
                + (rolling ? " (rolling out from \(status?.currentRevision ?? "-"))" : "") + "\n"
            let namespace = key.namespace ?? "default"
            let pods = try await cluster.listAll(Pod.self, namespace: namespace).filter {
                $0.metadata.ownerReferences?.contains { $0.uid == set.metadata.uid } == true
            }
            let claimNames = Set(set.ordinals.flatMap { ordinal in
                (set.spec?.volumeClaimTemplates ?? []).compactMap { $0.metadata.name.map { set.claimName(template: $0, ordinal: ordinal) } }
            })
            let claims = try await cluster.listAll(PersistentVolumeClaim.self, namespace: namespace).filter {
                claimNames.contains($0.metadata.name ?? "")
            }
            if !pods.isEmpty { text += try ObjectPrinter(format: .table, showNamespace: false).render(pods) }
            if !claims.isEmpty { text += try ObjectPrinter(format: .table, showNamespace: false).render(claims) }
        }
        return text
    }
}
