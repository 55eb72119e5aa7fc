import CoreMetrics
import Foundation
import Metrics
import Prometheus
import StowageStore

/// The API's metrics, through swift-metrics into a Prometheus registry owned by the server (not the process-wide
/// bootstrap, so several servers can live in one test process): requests by verb, resource and code, latency
/// histograms, open watches, and the store's commit counters.
public final class APIMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    private let factory: PrometheusMetricsFactory

    public init() {
        registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
            .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(5), .seconds(30), .seconds(60),
        ]
        self.factory = factory
    }

    /// Counts a finished request and records its duration.
    func recordRequest(verb: String, resource: String, code: Int, duration: Duration) {
        Counter(label: "apiserver_request_total", dimensions: [("verb", verb), ("resource", resource), ("code", String(code))], factory: factory)
            .increment()
        let nanoseconds = duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000
        Timer(label: "apiserver_request_duration_seconds", dimensions: [("verb", verb), ("resource", resource)], factory: factory)
            .recordNanoseconds(nanoseconds)
    }

    /// Tracks open watches per resource.
    func watchOpened(resource: String) { watchers(resource).increment() }
    func watchClosed(resource: String) { watchers(resource).decrement() }

    private func watchers(_ resource: String) -> Meter {
        Meter(label: "apiserver_registered_watchers", dimensions: [("resource", resource)], factory: factory)
    }

    /// The Prometheus text, with the store's counters read at scrape time.
    func exposition(store: Store) -> [UInt8] {
        let statistics = store.commitStatistics
        Gauge(label: "stowage_store_commit_transactions", factory: factory).record(statistics.batches)
        Gauge(label: "stowage_store_committed_writes", factory: factory).record(statistics.writes)
        Gauge(label: "stowage_store_largest_commit", factory: factory).record(statistics.largestBatch)
        Gauge(label: "stowage_store_watchers", factory: factory).record(store.watcherCount)
        return registry.emitToBuffer()
    }
}
