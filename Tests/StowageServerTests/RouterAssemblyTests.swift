import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import StowageClient
import StowageStore
@testable import StowageServer

@Suite struct RouterAssemblyTests {
    @Test func unknownPathsAre404() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("server-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try Store.open(directory: directory)
        let app = Application(router: APIRouter.make(APIServerContext(cluster: LocalCluster(store: store))))
        try await app.test(.router) { client in
            try await client.execute(uri: "/no/such/path", method: .get) { response in
                #expect(response.status == .notFound)
            }
        }
    }
}
