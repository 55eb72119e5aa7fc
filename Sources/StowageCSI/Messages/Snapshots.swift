import Foundation

/// `CreateSnapshot` request. `name` is the idempotency key.
public struct CreateSnapshotRequest: Codable, Sendable, Equatable {
    @Proto public var sourceVolumeId: String
    @Proto public var name: String
    @Proto public var secrets: Secrets
    @Proto public var parameters: [String: String]
    public init(sourceVolumeId: String = "", name: String = "", secrets: Secrets = [:], parameters: [String: String] = [:]) {
        self.sourceVolumeId = sourceVolumeId
        self.name = name
        self.secrets = secrets
        self.parameters = parameters
    }
}

/// `CreateSnapshot` response.
public struct CreateSnapshotResponse: Codable, Sendable, Equatable {
    public var snapshot: Snapshot?
    public init(snapshot: Snapshot? = nil) { self.snapshot = snapshot }
}

/// `DeleteSnapshot` request. Deleting an unknown snapshot is OK.
public struct DeleteSnapshotRequest: Codable, Sendable, Equatable {
    @Proto public var snapshotId: String
    @Proto public var secrets: Secrets
    public init(snapshotId: String = "", secrets: Secrets = [:]) {
        self.snapshotId = snapshotId
        self.secrets = secrets
    }
}

/// `DeleteSnapshot` response (no fields).
public struct DeleteSnapshotResponse: Codable, Sendable, Equatable { public init() {} }

/// `ListSnapshots` request: all, by source volume, or one snapshot id; paginated.
public struct ListSnapshotsRequest: Codable, Sendable, Equatable {
    @Proto public var maxEntries: Int32
    @Proto public var startingToken: String
    @Proto public var sourceVolumeId: String
    @Proto public var snapshotId: String
    @Proto public var secrets: Secrets
    public init(maxEntries: Int32 = 0, startingToken: String = "", sourceVolumeId: String = "",
                snapshotId: String = "", secrets: Secrets = [:]) {
        self.maxEntries = maxEntries
        self.startingToken = startingToken
        self.sourceVolumeId = sourceVolumeId
        self.snapshotId = snapshotId
        self.secrets = secrets
    }
}

/// `ListSnapshots` response.
public struct ListSnapshotsResponse: Codable, Sendable, Equatable {
    /// One listed snapshot.
    public struct Entry: Codable, Sendable, Equatable {
        public var snapshot: Snapshot?
        public init(snapshot: Snapshot? = nil) { self.snapshot = snapshot }
    }
    @Proto public var entries: [Entry]
    @Proto public var nextToken: String
    public init(entries: [Entry] = [], nextToken: String = "") {
        self.entries = entries
        self.nextToken = nextToken
    }
}

/// `GetSnapshot` request.
public struct GetSnapshotRequest: Codable, Sendable, Equatable {
    @Proto public var snapshotId: String
    @Proto public var secrets: Secrets
    public init(snapshotId: String = "", secrets: Secrets = [:]) {
        self.snapshotId = snapshotId
        self.secrets = secrets
    }
}

/// `GetSnapshot` response.
public struct GetSnapshotResponse: Codable, Sendable, Equatable {
    public var snapshot: Snapshot?
    public init(snapshot: Snapshot? = nil) { self.snapshot = snapshot }
}
