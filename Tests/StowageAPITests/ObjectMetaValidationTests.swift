import Testing
import StowageAPI

/// `metadata` validation on create and update, checked message by message with field paths.
struct ObjectMetaValidationTests {
    func messages(_ meta: ObjectMeta, namespaced: Bool = true, rule: NameValidation.NameRule = .dns1123Subdomain) -> [String] {
        ObjectMetaValidation.validate(meta, namespaced: namespaced, nameRule: rule).map(\.description)
    }

    @Test func validObjects() {
        #expect(messages(ObjectMeta(name: "data-web-0", namespace: "default", labels: ["app": "web"],
                                    annotations: ["pv.kubernetes.io/bind-completed": "yes"],
                                    finalizers: ["kubernetes.io/pvc-protection"])).isEmpty)
        #expect(messages(ObjectMeta(generateName: "pvc-", namespace: "default")).isEmpty)
        #expect(messages(ObjectMeta(name: "pv-1"), namespaced: false).isEmpty)
    }

    @Test func nameRules() {
        #expect(messages(ObjectMeta(namespace: "default")) == ["metadata.name: Required value: name or generateName is required"])
        #expect(messages(ObjectMeta(name: "Bad_Name", namespace: "default")) == [
            #"metadata.name: Invalid value: "Bad_Name": "# + NameValidationTests.subdomainMessage,
        ])
        #expect(messages(ObjectMeta(generateName: "Bad-", namespace: "default")) == [
            #"metadata.generateName: Invalid value: "Bad-": "# + NameValidationTests.subdomainMessage,
        ])
        #expect(messages(ObjectMeta(name: "a.b"), namespaced: false, rule: .dns1123Label) == [
            #"metadata.name: Invalid value: "a.b": must not contain dots"#,
        ])
        #expect(messages(ObjectMeta(name: "web/0", namespace: "default"), rule: .pathSegment) == [
            #"metadata.name: Invalid value: "web/0": may not contain '/'"#,
        ])
    }

    @Test func namespaceRules() {
        #expect(messages(ObjectMeta(name: "a")) == ["metadata.namespace: Required value"])
        #expect(messages(ObjectMeta(name: "a", namespace: "default"), namespaced: false)
                == ["metadata.namespace: Forbidden: not allowed on this type"])
        #expect(messages(ObjectMeta(name: "a", namespace: "Team.A")) == [
            #"metadata.namespace: Invalid value: "Team.A": "# + NameValidationTests.labelMessage,
        ])
    }

    @Test func labelsAndAnnotations() {
        #expect(messages(ObjectMeta(name: "a", namespace: "n", labels: ["-k": "v", "ok": "-v"])) == [
            #"metadata.labels: Invalid value: "-k": name part "# + NameValidationTests.qualifiedMessage,
            #"metadata.labels: Invalid value: "-v": "# + NameValidationTests.labelValueMessage,
        ])
        #expect(messages(ObjectMeta(name: "a", namespace: "n", annotations: ["Example.COM/Note": "x"])).isEmpty)
        #expect(messages(ObjectMeta(name: "a", namespace: "n", annotations: ["a b": "x"])) == [
            #"metadata.annotations: Invalid value: "a b": name part "# + NameValidationTests.qualifiedMessage,
        ])
        let big = ObjectMeta(name: "a", namespace: "n", annotations: ["k": String(repeating: "x", count: 256 * 1024)])
        #expect(messages(big) == ["metadata.annotations: Too long: must have at most 262144 bytes"])
        let fits = ObjectMeta(name: "a", namespace: "n", annotations: ["k": String(repeating: "x", count: 256 * 1024 - 1)])
        #expect(messages(fits).isEmpty)
    }

    @Test func finalizers() {
        #expect(messages(ObjectMeta(name: "a", namespace: "n", finalizers: ["a/b/c", "x", "x"])) == [
            #"metadata.finalizers: Invalid value: "a/b/c": a qualified name "# + NameValidationTests.qualifiedMessage
                + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
            #"metadata.finalizers[2]: Duplicate value: "x""#,
        ])
        #expect(messages(ObjectMeta(name: "a", namespace: "n", finalizers: ["orphan", "foregroundDeletion"])) == [
            #"metadata.finalizers: Invalid value: []string{"orphan", "foregroundDeletion"}: finalizer orphan and foregroundDeletion cannot be both set"#,
        ])
    }

    @Test func ownerReferences() {
        let missing = OwnerReference(apiVersion: "apps/", kind: "", name: "", uid: "")
        #expect(messages(ObjectMeta(name: "a", namespace: "n", ownerReferences: [missing])) == [
            #"metadata.ownerReferences.apiVersion: Invalid value: "apps/": version must not be empty"#,
            #"metadata.ownerReferences.kind: Invalid value: "": must not be empty"#,
            #"metadata.ownerReferences.name: Invalid value: "": must not be empty"#,
            #"metadata.ownerReferences.uid: Invalid value: "": must not be empty"#,
        ])
        let first = OwnerReference(apiVersion: "apps/v1", kind: "StatefulSet", name: "web", uid: "u1", controller: true)
        let second = OwnerReference(apiVersion: "v1", kind: "Pod", name: "web-0", uid: "u2", controller: true)
        let errors = ObjectMetaValidation.validate(ObjectMeta(name: "a", namespace: "n", ownerReferences: [first, second]), namespaced: true)
        #expect(errors.count == 1)
        #expect(errors.first?.field.description == "metadata.ownerReferences")
        #expect(errors.first?.detail == #"Only one reference can have Controller set to true. Found "true" in references for StatefulSet/web and Pod/web-0"#)
        #expect(errors.first?.description.hasPrefix("metadata.ownerReferences: Invalid value: [{") == true)
    }

    @Test func updateImmutability() {
        var old = ObjectMeta(name: "a", generateName: "x-", namespace: "n")
        old.uid = "u1"
        old.creationTimestamp = Timestamp(secondsSinceEpoch: 100)
        var new = old
        new.generateName = "y-"
        #expect(ObjectMetaValidation.validateUpdate(new, old: old).isEmpty)
        new.name = "b"
        new.namespace = "m"
        new.uid = "u2"
        new.creationTimestamp = Timestamp(secondsSinceEpoch: 200)
        let messages = ObjectMetaValidation.validateUpdate(new, old: old).map(\.description)
        #expect(messages.count == 4)
        #expect(messages.prefix(3) == [
            #"metadata.name: Invalid value: "b": field is immutable"#,
            #"metadata.namespace: Invalid value: "m": field is immutable"#,
            #"metadata.uid: Invalid value: "u2": field is immutable"#,
        ])
        #expect(messages.last?.hasPrefix("metadata.creationTimestamp: Invalid value: ") == true)
        #expect(messages.last?.hasSuffix(": field is immutable") == true)
    }

    @Test func deletingObjectsGainNoFinalizers() {
        var old = ObjectMeta(name: "a", namespace: "n", finalizers: ["kubernetes.io/pvc-protection"])
        old.deletionTimestamp = Timestamp(secondsSinceEpoch: 5)
        var new = old
        new.finalizers = ["kubernetes.io/pvc-protection", "example.com/b", "example.com/a"]
        #expect(ObjectMetaValidation.validateUpdate(new, old: old).map(\.description) == [
            #"metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"example.com/a", "example.com/b"}"#,
        ])
        new.finalizers = nil
        #expect(ObjectMetaValidation.validateUpdate(new, old: old).isEmpty)
        old.deletionTimestamp = nil
        new.finalizers = ["example.com/a"]
        #expect(ObjectMetaValidation.validateUpdate(new, old: old).isEmpty)
    }
}
