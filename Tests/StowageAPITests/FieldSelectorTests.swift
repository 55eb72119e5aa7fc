import Testing
import StowageAPI

/// Field selector parsing, matching and the supported-field table.
struct FieldSelectorTests {
    @Test func parsesOperatorsAndSorts() throws {
        let selector = try FieldSelector(parsing: "status.phase==Bound,metadata.name=x,spec.nodeName!=")
        #expect(selector.terms == [
            FieldSelector.Term(field: "metadata.name", value: "x"),
            FieldSelector.Term(field: "spec.nodeName", value: "", negated: true),
            FieldSelector.Term(field: "status.phase", value: "Bound"),
        ])
        #expect(selector.description == "metadata.name=x,spec.nodeName!=,status.phase=Bound")
        #expect(try FieldSelector(parsing: "").isEverything)
        #expect(try FieldSelector(parsing: "a=b,,").terms.count == 1)
    }

    @Test func escapes() throws {
        let selector = try FieldSelector(parsing: #"metadata.name=a\,b\=c\\d"#)
        #expect(selector.terms.first?.value == #"a,b=c\d"#)
        #expect(selector.description == #"metadata.name=a\,b\=c\\d"#)
    }

    @Test(arguments: [
        ("metadata.name", "invalid selector: 'metadata.name'; can't understand 'metadata.name'"),
        ("a=b,c", "invalid selector: 'a=b,c'; can't understand 'c'"),
        (#"a=b\x"#, #"invalid field selector: invalid escape sequence: \x"#),
        ("a=b=c", "invalid field selector: unescaped character in value: 61"),
    ])
    func rejects(input: String, message: String) {
        do {
            _ = try FieldSelector(parsing: input)
            Issue.record("\(input) parsed")
        } catch {
            #expect(error.description == message)
        }
    }

    @Test func matchesThroughLookup() throws {
        let fields = ["metadata.name": "web-0", "spec.nodeName": "", "status.phase": "Pending"]
        let lookup: (String) -> String? = { fields[$0] }
        #expect(try FieldSelector(parsing: "metadata.name=web-0").matches(lookup))
        #expect(try FieldSelector(parsing: "spec.nodeName=").matches(lookup))
        #expect(try !FieldSelector(parsing: "spec.nodeName!=").matches(lookup))
        #expect(try FieldSelector(parsing: "status.phase!=Running,metadata.name==web-0").matches(lookup))
        #expect(try !FieldSelector(parsing: "status.phase=Running").matches(lookup))
        #expect(throws: FieldSelectorError.unsupportedField("spec.foo")) {
            try FieldSelector(parsing: "spec.foo=x").matches(lookup)
        }
        #expect(FieldSelectorError.unsupportedField("spec.foo").description == "field label not supported: spec.foo")
    }

    @Test func matchesAPIObjects() throws {
        let namespace = Namespace(metadata: ObjectMeta(name: "team-a"), status: NamespaceStatus(phase: "Active"))
        #expect(try FieldSelector(parsing: "metadata.name=team-a,status.phase=Active").matches(namespace))
        #expect(try FieldSelector(parsing: "metadata.namespace=").matches(namespace))
        #expect(throws: FieldSelectorError.unsupportedField("spec.nodeName")) {
            try FieldSelector(parsing: "spec.nodeName=x").matches(namespace)
        }
    }

    @Test func supportedFieldsPerKind() throws {
        #expect(FieldSelectorFields.supported(kind: "Pod") == ["metadata.name", "metadata.namespace", "spec.nodeName", "status.phase"])
        #expect(FieldSelectorFields.supported(kind: "StatefulSet") == FieldSelectorFields.common)
        #expect(FieldSelectorFields.supported(kind: "PersistentVolume").contains("spec.claimRef.namespace"))
        #expect(FieldSelectorFields.supported(kind: "Event").contains("involvedObject.uid"))
        try FieldSelectorFields.validate(FieldSelector(parsing: "spec.volumeName=pv-1,status.phase=Bound"), kind: "PersistentVolumeClaim")
        #expect(throws: FieldSelectorError.unsupportedField("spec.nodeName")) {
            try FieldSelectorFields.validate(FieldSelector(parsing: "spec.nodeName=n1"), kind: "Namespace")
        }
        #expect(throws: FieldSelectorError.unsupportedField("spec.foo")) {
            try FieldSelector(parsing: "metadata.name=a,spec.foo=b").validate(supportedFields: ["metadata.name"])
        }
    }
}
