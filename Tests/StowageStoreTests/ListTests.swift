import Foundation
import StowageAPI
import StowageStore
import Testing

@Suite("Store: list")
struct ListTests {
    @Test func listsInKeyOrderWithNamespaceAndFilter() async throws {
        try await withStore { store, _ in
            for (namespace, name) in [("b", "x"), ("a", "y"), ("a", "x"), ("c", "a")] {
                _ = try await store.create(TestWidget(namespace, name, color: name == "x" ? "red" : "blue"))
            }
            let all = try await store.list(TestWidget.self)
            #expect(all.items.map(\.key) == ["a/x", "a/y", "b/x", "c/a"])
            #expect(all.resourceVersion == "4")
            #expect(all.continueToken == nil)
            let inA = try await store.list(TestWidget.self, StoreListOptions(namespace: "a"))
            #expect(inA.items.map(\.key) == ["a/x", "a/y"])
            let red = try await store.list(TestWidget.self, StoreListOptions(filter: { $0.spec?.color == "red" }))
            #expect(red.items.map(\.key) == ["a/x", "b/x"])
            let page = try await store.list(TestWidget.self, StoreListOptions(limit: 3))
            #expect(page.items.count == 3)
            #expect(page.remainingItemCount == 1)
            let rest = try await store.list(TestWidget.self, StoreListOptions(limit: 3, continueToken: page.continueToken))
            #expect(rest.items.map(\.key) == ["c/a"])
            #expect(rest.continueToken == nil)
        }
    }

    @Test func malformedContinueTokenIsBadRequest() async throws {
        try await withStore { store, _ in
            let error = await #expect(throws: APIError.self) {
                try await store.list(TestWidget.self, StoreListOptions(limit: 1, continueToken: "not-a-token"))
            }
            #expect(error?.reason == .badRequest)
        }
    }

    @Test func pagesStayConsistentAtTheFirstPagesRevisionUnderConcurrentWrites() async throws {
        try await withStore { store, _ in
            for index in 0..<200 {
                _ = try await store.create(TestWidget("ns-\(index % 4)", String(format: "w-%03d", index), size: index))
            }
            let before = try await store.list(TestWidget.self)
            var page = try await store.list(TestWidget.self, StoreListOptions(limit: 25))
            #expect(page.resourceVersion == before.resourceVersion)
            let writer = Task {
                for index in 0..<150 {
                    let key = ObjectKey(namespace: "ns-\((199 - index) % 4)", name: String(format: "w-%03d", 199 - index))
                    switch index % 3 {
                    case 0: _ = try await store.delete(TestWidget.self, key)
                    case 1:
                        var widget = try await store.get(TestWidget.self, key)
                        widget.spec?.size = -1
                        _ = try await store.update(widget)
                    default: _ = try await store.create(TestWidget(key.namespace ?? "", key.name + "-new"))
                    }
                }
            }
            var items = page.items
            while let token = page.continueToken {
                // Make sure the log path is exercised even if the writer task has not run yet.
                _ = try await store.create(TestWidget("ns-9", "between-\(items.count)"))
                page = try await store.list(TestWidget.self, StoreListOptions(limit: 25, continueToken: token))
                #expect(page.resourceVersion == before.resourceVersion)
                items += page.items
            }
            try await writer.value
            #expect(items.map(\.key) == before.items.map(\.key))
            #expect(items == before.items)
            let after = try await store.list(TestWidget.self)
            #expect(after.items != before.items)
        }
    }

    @Test func continueFromACompactedRevisionIsExpired() async throws {
        try await withStore { store, _ in
            for index in 0..<5 { _ = try await store.create(TestWidget("ns", "w-\(index)")) }
            let page = try await store.list(TestWidget.self, StoreListOptions(limit: 2))
            var widget = try await store.get(TestWidget.self, ObjectKey(namespace: "ns", name: "w-4"))
            widget.spec?.size = 9
            _ = try await store.update(widget)
            try await store.compact(upTo: 6)
            let error = await #expect(throws: APIError.self) {
                try await store.list(TestWidget.self, StoreListOptions(limit: 2, continueToken: page.continueToken))
            }
            #expect(error?.reason == .expired)
            #expect(error?.message == "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.")
        }
    }
}
