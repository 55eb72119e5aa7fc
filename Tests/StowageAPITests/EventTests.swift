import Foundation
import Testing
@testable import StowageAPI

@Suite("Event")
struct EventTests {
    typealias T = StorageKindsTesting

    static let manifest = """
    {"apiVersion":"v1","kind":"Event","metadata":{"name":"data.1879a2b3c4d5e6f7","namespace":"default"},
     "involvedObject":{"kind":"PersistentVolumeClaim","namespace":"default","name":"data","uid":"u-1",
      "apiVersion":"v1","resourceVersion":"17"},
     "reason":"ProvisioningSucceeded","message":"Successfully provisioned volume pvc-u-1",
     "source":{"component":"stowage-provisioner","host":"box"},
     "firstTimestamp":"2026-11-22T10:00:00Z","lastTimestamp":"2026-11-22T10:05:00Z","count":3,"type":"Normal",
     "eventTime":"2026-11-22T10:00:00.123456Z","series":{"count":3,"lastObservedTime":"2026-11-22T10:05:00.000001Z"},
     "action":"Provision","related":{"kind":"PersistentVolume","name":"pvc-u-1","apiVersion":"v1"},
     "reportingComponent":"stowage.dev/provisioner","reportingInstance":"box"}
    """

    @Test func roundTripsAKubernetesManifest() throws {
        let event = try T.roundTrip(Event.self, Self.manifest)
        #expect(event.count == 3)
        #expect(event.involvedObject?.kind == "PersistentVolumeClaim")
        #expect(event.validate() == [])
        #expect(T.registered("ev", Event.self))
    }

    @Test func decodesNullTimes() throws {
        let event = try APICodec.decode(Event.self, from: Data("""
        {"apiVersion":"v1","kind":"Event","metadata":{"name":"e","namespace":"default"},"eventTime":null,
         "firstTimestamp":null,"involvedObject":{"kind":"Node","name":"n1"}}
        """.utf8))
        #expect(event.eventTime == nil)
        #expect(event.firstTimestamp == nil)
    }

    @Test func noDefaults() {
        var event = Event(metadata: ObjectMeta(name: "e", namespace: "default"))
        event.applyDefaults()
        #expect(event.count == nil)
        #expect(event.type == nil)
    }

    @Test func convenienceInit() {
        var claim = PersistentVolumeClaim(name: "data", namespace: "apps", request: T.q("1Gi"))
        claim.metadata.uid = "u-9"
        let event = Event(
            name: "data.1", about: claim, type: EventType.warning, reason: "ProvisioningFailed", message: "no space",
            component: "stowage-provisioner", time: Timestamp(secondsSinceEpoch: 100))
        #expect(event.metadata.namespace == "apps")
        #expect(event.involvedObject == ObjectReference(kind: "PersistentVolumeClaim", namespace: "apps", name: "data", uid: "u-9", apiVersion: "v1"))
        #expect(event.count == 1)
        #expect(event.validate() == [])
        let aboutNode = Event(name: "n.1", about: Node(name: "n1"), reason: "R", message: "m", component: "c")
        #expect(aboutNode.metadata.namespace == "default")
        #expect(aboutNode.validate() == [])
    }

    @Test func fieldValues() throws {
        let event = try APICodec.decode(Event.self, from: Data(Self.manifest.utf8))
        #expect(event.fieldValue("involvedObject.kind") == "PersistentVolumeClaim")
        #expect(event.fieldValue("involvedObject.name") == "data")
        #expect(event.fieldValue("involvedObject.namespace") == "default")
        #expect(event.fieldValue("involvedObject.uid") == "u-1")
        #expect(event.fieldValue("involvedObject.apiVersion") == "v1")
        #expect(event.fieldValue("involvedObject.resourceVersion") == "17")
        #expect(event.fieldValue("involvedObject.fieldPath") == "")
        #expect(event.fieldValue("reason") == "ProvisioningSucceeded")
        #expect(event.fieldValue("type") == "Normal")
        #expect(event.fieldValue("source") == "stowage-provisioner")
        #expect(event.fieldValue("reportingComponent") == "stowage.dev/provisioner")
        #expect(event.fieldValue("metadata.name") == "data.1879a2b3c4d5e6f7")
        #expect(event.fieldValue("message") == nil)
        var noSource = event
        noSource.source = nil
        #expect(noSource.fieldValue("source") == "stowage.dev/provisioner")
    }

    func errors(_ change: (inout Event) -> Void) -> [String] {
        var event = Event(
            metadata: ObjectMeta(name: "e", namespace: "apps"),
            involvedObject: ObjectReference(kind: "PersistentVolumeClaim", namespace: "apps", name: "data"),
            reason: "R", message: "m")
        change(&event)
        return T.texts(event.validate())
    }

    @Test func oldStyleNamespaceRule() {
        #expect(errors { _ in } == [])
        #expect(errors { $0.involvedObject?.namespace = "other" } == [
            "involvedObject.namespace: Invalid value: \"other\": does not match event.namespace",
        ])
        #expect(errors { $0.involvedObject?.namespace = nil } == [
            "involvedObject.namespace: Invalid value: \"\": does not match event.namespace",
        ])
        #expect(errors {
            $0.metadata.namespace = "default"
            $0.involvedObject?.namespace = nil
        } == [])
    }

    @Test func newStyleRules() {
        let newStyle: (inout Event) -> Void = {
            $0.eventTime = "2026-11-22T10:00:00.000000Z"
            $0.reason = nil
        }
        #expect(errors(newStyle) == [
            "reportingComponent: Required value",
            "reportingComponent: Invalid value: \"\": name part must be non-empty",
            "reportingComponent: Invalid value: \"\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
            "reportingInstance: Required value",
            "action: Required value",
            "reason: Required value",
        ])
        #expect(errors {
            newStyle(&$0)
            $0.involvedObject?.namespace = nil
            $0.reportingComponent = "c"
            $0.reportingInstance = String(repeating: "i", count: 129)
            $0.action = "A"
            $0.reason = String(repeating: "r", count: 129)
            $0.message = String(repeating: "m", count: 1025)
        } == [
            "involvedObject.namespace: Invalid value: \"\": does not match event.namespace",
            "reportingInstance: Invalid value: \"\": can have at most 128 characters",
            "reason: Invalid value: \"\": can have at most 128 characters",
            "message: Invalid value: \"\": can have at most 1024 characters",
        ])
    }
}

extension EventTests {
    @Test func updateAddsNoRulesOfItsOwn() throws {
        let old = try APICodec.decode(Event.self, from: Data(Self.manifest.utf8))
        var new = old
        new.count = 4
        new.message = "changed"
        new.involvedObject?.name = "other"
        #expect(new.validateUpdate(from: old) == [])
    }
}
