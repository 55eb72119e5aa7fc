import Foundation
import Hummingbird
import NIOCore
import StowageAPI
import StowageClient
import Synchronization

/// `pods/{name}/log`: a container's output, read from the files the node agent writes
/// (`<pods-dir>/<uid>/containers/<name>/<restart>.log`, one file per run). `container` picks the container (it
/// may be omitted when the pod has one), `previous` reads the run before the current one, `tailLines` and
/// `limitBytes` trim, and `follow` keeps the response open, sending what is appended until the run ends, the pod
/// goes or the client hangs up. `timestamps` and `sinceSeconds` are accepted and ignored: the files hold no
/// times.
struct PodLogSubresource {
    let cluster: any Cluster
    /// Where the node agent of this server's box keeps its pods; nil when it runs none.
    let podsDirectory: String?
    /// Reaches the endpoints of node agents on other machines, for their pods; nil on a node endpoint itself.
    var forwarder: NodeForwarder? = nil
    var pollInterval: Duration = .milliseconds(100)

    func handle(_ request: Request, key: ObjectKey, query: QueryParameters) async throws -> Response {
        guard request.method == .get else {
            throw APIError(.methodNotAllowed, "the server does not allow this method on the requested resource")
        }
        let pod = try await cluster.get(Pod.self, key)
        let container = try containerName(of: pod, asked: query["container"])
        if let forwarder, let endpoint = await forwarder.remoteNode(of: pod, podsDirectory: podsDirectory) {
            return try await forwarder.forward(request, to: endpoint)
        }
        let directory = try containerDirectory(of: pod, container: container)
        let runs = Self.runs(in: directory)
        guard var file = runs.last else {
            throw APIError.badRequest("container \"\(container)\" in pod \"\(key.name)\" is waiting to start: ContainerCreating")
        }
        if query.flag("previous") {
            guard runs.count > 1 else {
                throw APIError.badRequest("previous terminated container \"\(container)\" in pod \"\(key.name)\" not found")
            }
            file = runs[runs.count - 2]
        }
        let path = "\(directory)/\(file).log"
        var text = Array((FileManager.default.contents(atPath: path) ?? Data()))
        if let tail = try query.integer("tailLines") { text = Self.lastLines(tail, of: text) }
        let limit = try query.integer("limitBytes")
        if let limit, text.count > limit { text = Array(text.prefix(limit)) }
        var headers = HTTPFields()
        headers[.contentType] = "text/plain"
        guard query.flag("follow"), !query.flag("previous"), limit == nil else {
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: text)))
        }
        let offset = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? text.count
        let follower = LogFollower(cluster: cluster, pod: pod, container: container, directory: directory, run: file,
                                   pollInterval: pollInterval)
        let head = text
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            try await writer.write(ByteBuffer(bytes: head))
            let hungUp = Atomic(false)
            try await request.body.consumeWithInboundCloseHandler({ _ in
                try await follower.follow(from: UInt64(offset), into: &writer, until: { hungUp.load(ordering: .relaxed) })
            }, onInboundClosed: {
                hungUp.store(true, ordering: .relaxed)
            })
            try await writer.finish(nil)
        })
    }

    /// The container to read: the one asked for, or the pod's only container.
    private func containerName(of pod: Pod, asked: String?) throws -> String {
        let name = pod.metadata.name ?? ""
        let containers = (pod.spec?.containers ?? []).compactMap(\.name)
        let initContainers = (pod.spec?.initContainers ?? []).compactMap(\.name)
        guard let asked, !asked.isEmpty else {
            guard containers.count == 1 else {
                throw APIError.badRequest("a container name must be specified for pod \(name), choose one of: [\(containers.joined(separator: " "))]"
                                          + (initContainers.isEmpty ? "" : " or one of the init containers: [\(initContainers.joined(separator: " "))]"))
            }
            return containers[0]
        }
        guard containers.contains(asked) || initContainers.contains(asked) else {
            throw APIError.badRequest("container \(asked) is not valid for pod \(name)")
        }
        return asked
    }

    private func containerDirectory(of pod: Pod, container: String) throws -> String {
        let name = pod.metadata.name ?? ""
        guard let node = pod.spec?.nodeName, !node.isEmpty else {
            throw APIError.badRequest("pod \(name) does not have a host assigned")
        }
        let podDirectory = podsDirectory.map { "\($0)/\(pod.metadata.uid ?? "")" }
        guard let podDirectory, FileManager.default.fileExists(atPath: podDirectory) else {
            throw APIError.badRequest("the logs of pod \(name) are on node \(node), whose files this server does not read: run stowage logs on that node's box")
        }
        return "\(podDirectory)/containers/\(container)"
    }

    /// The run numbers with a log file in `directory`, oldest first.
    static func runs(in directory: String) -> [Int] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.compactMap { $0.hasSuffix(".log") ? Int($0.dropLast(4)) : nil }.sorted()
    }

    /// The last `count` lines of `text` (a final line without a newline counts as a line).
    static func lastLines(_ count: Int, of text: [UInt8]) -> [UInt8] {
        guard count > 0 else { return [] }
        var end = text.count
        if end > 0 && text[end - 1] == UInt8(ascii: "\n") { end -= 1 }
        var seen = 0
        var index = end
        while index > 0 {
            if text[index - 1] == UInt8(ascii: "\n") {
                seen += 1
                if seen == count { return Array(text[index...]) }
            }
            index -= 1
        }
        return text
    }
}

/// Sends what is appended to one run's log file until that run is over.
private struct LogFollower: Sendable {
    let cluster: any Cluster
    let pod: Pod
    let container: String
    let directory: String
    let run: Int
    let pollInterval: Duration

    func follow(from start: UInt64, into writer: inout any ResponseBodyWriter, until hungUp: () -> Bool) async throws {
        guard let handle = FileHandle(forReadingAtPath: "\(directory)/\(run).log") else { return }
        defer { try? handle.close() }
        try handle.seek(toOffset: start)
        var finishing = false
        while !hungUp() && !Task.isCancelled {
            let data = handle.availableData
            if !data.isEmpty {
                try await writer.write(ByteBuffer(bytes: data))
                continue
            }
            if finishing { return }
            // One more read after the run is seen to be over, for what it wrote last.
            finishing = await runIsOver()
            if !finishing { try await Task.sleep(for: pollInterval) }
        }
    }

    /// Whether the pod is gone, the container has started again (a newer file) or has terminated.
    private func runIsOver() async -> Bool {
        if PodLogSubresource.runs(in: directory).last != run { return true }
        let key = ObjectKey(namespace: pod.metadata.namespace, name: pod.metadata.name ?? "")
        guard let current = try? await cluster.get(Pod.self, key), current.metadata.uid == pod.metadata.uid else { return true }
        let statuses = (current.status?.containerStatuses ?? []) + (current.status?.initContainerStatuses ?? [])
        guard let status = statuses.first(where: { $0.name == container }) else { return false }
        return status.state?.terminated != nil || (status.state?.waiting != nil && (status.restartCount ?? 0) > Int32(run))
    }
}
