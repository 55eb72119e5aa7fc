import Foundation
import StowageAPI

/// Applies manifest files all-or-nothing up front: every file is read and every object defaulted and validated
/// before the first write, so a typo in the last document leaves nothing half-applied.
public struct ManifestApplier: Sendable {
    public let cluster: any Cluster

    public init(cluster: any Cluster) { self.cluster = cluster }

    /// One line of what happened to an object, as kubectl prints it (`persistentvolumeclaim/data created`).
    public struct Outcome: Sendable {
        public var line: String
    }

    /// Reads and checks every file; throws the first located problem (``ManifestError`` with file and line).
    public static func load(_ files: [String]) throws -> [ManifestObject] {
        var objects: [ManifestObject] = []
        for file in try expandDirectories(files) {
            objects += try ManifestReader.read(contentsOf: file)
        }
        try checkAll(objects)
        return objects
    }

    /// Reads and checks manifest text (YAML or JSON, one or more documents); `file` names it in errors.
    public static func load(text: String, file: String = "-") throws -> [ManifestObject] {
        let objects = try ManifestReader.read(text, file: file)
        try checkAll(objects)
        return objects
    }

    private static func checkAll(_ objects: [ManifestObject]) throws {
        for item in objects {
            let problems = Self.check(item.object)
            if let first = problems.first {
                let located = item.locate(first)
                let rest = problems.dropFirst().map { "\n  also: \(item.locate($0))" }.joined()
                throw ManifestError(file: located.file, document: located.document, position: located.position, field: nil,
                                    message: "\(item.object.kind) \"\(item.object.metadata.name ?? "")\" is invalid: \(first)\(rest)")
            }
        }
    }

    /// A directory stands for its `.yaml`, `.yml` and `.json` files (not recursive), in name order, as kubectl reads them.
    public static func expandDirectories(_ paths: [String]) throws -> [String] {
        var files: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard path != "-", FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
                files.append(path)
                continue
            }
            let entries = try FileManager.default.contentsOfDirectory(atPath: path).sorted()
                .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") || $0.hasSuffix(".json") }
            if entries.isEmpty {
                throw ManifestError(file: path, document: nil, position: nil, field: nil, message: "the directory holds no .yaml, .yml or .json files")
            }
            files += entries.map { (path as NSString).appendingPathComponent($0) }
        }
        return files
    }

    private static func check<T: APIObject>(_ object: T) -> [FieldError] {
        var copy = object
        Admission.normalizeNamespace(&copy)
        copy.applyDefaults()
        return copy.validate()
    }

    /// Creates each object, or updates it when it exists (keeping its status).
    public func apply(_ objects: [ManifestObject]) async throws -> [Outcome] {
        var outcomes: [Outcome] = []
        for item in objects {
            outcomes.append(try await apply(item.object))
        }
        return outcomes
    }

    private func apply<T: APIObject>(_ object: T) async throws -> Outcome {
        var object = object
        Admission.normalizeNamespace(&object)
        let name = "\(T.resource.kubectlName)/\(object.metadata.name ?? "")"
        let key = ObjectKey(namespace: object.metadata.namespace, name: object.metadata.name ?? "")
        if (object.metadata.name ?? "").isEmpty {
            let created = try await cluster.create(object)
            return Outcome(line: "\(T.resource.kubectlName)/\(created.metadata.name ?? "") created")
        }
        guard let existing = try await cluster.getIfPresent(T.self, key) else {
            _ = try await cluster.create(object)
            return Outcome(line: "\(name) created")
        }
        var desired = object
        desired.metadata.resourceVersion = existing.metadata.resourceVersion
        desired.metadata.uid = existing.metadata.uid
        desired.metadata.creationTimestamp = existing.metadata.creationTimestamp
        desired.metadata.generation = existing.metadata.generation
        desired.metadata.finalizers = desired.metadata.finalizers ?? existing.metadata.finalizers
        desired.takeStatus(from: existing)
        desired.applyDefaults()
        var normalizedExisting = existing
        normalizedExisting.applyDefaults()
        if desired == normalizedExisting { return Outcome(line: "\(name) unchanged") }
        _ = try await cluster.update(desired)
        return Outcome(line: "\(name) configured")
    }
}
