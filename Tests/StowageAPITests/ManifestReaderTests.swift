import Testing
@testable import StowageAPI

@Suite("Manifest reader")
struct ManifestReaderTests {
    @Test func readsMultiDocumentYAMLSkippingEmptyDocuments() throws {
        let yaml = """
        ---
        apiVersion: v1
        kind: Namespace
        metadata:
          name: one
        ---
        # only a comment
        ---
        apiVersion: v1
        kind: Namespace
        metadata:
          name: two
          labels:
            tier: "1"
        """
        let objects = try ManifestReader.read(yaml, file: "ns.yaml")
        #expect(objects.map { $0.object.metadata.name } == ["one", "two"])
        #expect(objects.map(\.document) == [1, 3])
        #expect(objects[1].object.metadata.labels == ["tier": "1"])
    }

    @Test func expandsListObjects() throws {
        let yaml = """
        apiVersion: v1
        kind: List
        items:
        - apiVersion: v1
          kind: Namespace
          metadata: {name: a}
        - apiVersion: v1
          kind: Namespace
          metadata: {name: b}
        """
        let objects = try ManifestReader.read(yaml, file: "list.yaml")
        #expect(objects.map { $0.object.metadata.name } == ["a", "b"])
        let typed = try ManifestReader.read(#"{"apiVersion":"v1","kind":"NamespaceList","items":[{"metadata":{"name":"c"}}]}"#, file: "l.json")
        #expect(typed.map { $0.object.metadata.name } == ["c"])
    }

    @Test func warnsAboutUnknownFieldsWithTheirLines() throws {
        let yaml = """
        apiVersion: v1
        kind: Namespace
        metadata:
          name: a
        spec:
          finalizers: [kubernetes]
          colour: blue
        """
        let objects = try ManifestReader.read(yaml, file: "ns.yaml")
        #expect(objects[0].unknownFields == ["spec.colour"])
        #expect(objects[0].warnings == [#"ns.yaml:7:3: unknown field "spec.colour" (Namespace "a"): it is not modeled by Stowage and was dropped"#])
    }

    @Test func decodeErrorsNameFileDocumentLineAndField() throws {
        let yaml = """
        apiVersion: v1
        kind: Namespace
        metadata:
          name: a
        ---
        apiVersion: v1
        kind: Namespace
        metadata:
          name: b
          labels:
            app: [x]
        """
        #expect {
            _ = try ManifestReader.read(yaml, file: "ns.yaml")
        } throws: { error in
            "\(error)" == #"ns.yaml:11:5: document 2: metadata.labels.app: Invalid value: ["x"]: expected a string, found array"#
        }
    }

    @Test func yamlSyntaxErrorsHaveALine() throws {
        let yaml = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: [a\n"
        #expect {
            _ = try ManifestReader.read(yaml, file: "bad.yaml")
        } throws: { error in
            let text = "\(error)"
            return text.hasPrefix("bad.yaml:") && text.contains("document 1: invalid YAML")
        }
    }

    @Test func missingKindAndUnknownKindAreClear() throws {
        #expect { _ = try ManifestReader.read("metadata:\n  name: a\n", file: "x.yaml") } throws: {
            "\($0)" == "x.yaml:1:1: document 1: apiVersion not set, kind not set"
        }
        #expect { _ = try ManifestReader.read("apiVersion: apps/v1\nkind: Deployment\n", file: "x.yaml") } throws: {
            "\($0)" == #"x.yaml:1:1: document 1: no matches for kind "Deployment" in version "apps/v1""#
        }
        #expect { _ = try ManifestReader.read("- 1\n- 2\n", file: "x.yaml") } throws: {
            "\($0)" == "x.yaml:1:1: document 1: expected an object (a Kubernetes resource), found array"
        }
    }

    @Test func jsonSyntaxErrorsHaveAPosition() throws {
        #expect { _ = try ManifestReader.read("{\"kind\": }", file: "x.json") } throws: {
            "\($0)" == "x.json:1:10: document 1: invalid JSON: unexpected character '}', expected a value"
        }
    }

    @Test func yamlScalarsFollowKubernetes() throws {
        let yaml = """
        apiVersion: v1
        kind: Namespace
        metadata:
          name: a
          labels:
            quoted: "true"
            version: "1.10"
        """
        let objects = try ManifestReader.read(yaml, file: "s.yaml")
        #expect(objects[0].object.metadata.labels == ["quoted": "true", "version": "1.10"])
        #expect { _ = try ManifestReader.read(yaml.replacingOccurrences(of: "\"1.10\"", with: "1.10"), file: "s.yaml") } throws: {
            "\($0)" == "s.yaml:7:5: document 1: metadata.labels.version: Invalid value: 1.10: expected a string, found number"
        }
    }
}
