import Testing
@testable import StowageAPI

/// Kubernetes' name rules and their exact messages.
struct NameValidationTests {
    static let subdomainMessage = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
    static let labelMessage = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
    static let qualifiedMessage = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
    static let labelValueMessage = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"

    @Test(arguments: ["a", "web-0", "pvc-1234.example.com", "0", String(repeating: "a", count: 253)])
    func validSubdomains(name: String) {
        #expect(NameValidation.dns1123Subdomain(name).isEmpty)
    }

    @Test(arguments: ["", "Web", "-a", "a-", "a..b", "a_b", ".a", "a b"])
    func invalidSubdomains(name: String) {
        #expect(NameValidation.dns1123Subdomain(name) == [Self.subdomainMessage])
    }

    @Test func subdomainTooLong() {
        #expect(NameValidation.dns1123Subdomain(String(repeating: "a", count: 254)) == ["must be no more than 253 characters"])
    }

    @Test func labels() {
        #expect(NameValidation.dns1123Label("team-a").isEmpty)
        #expect(NameValidation.dns1123Label("Team") == [Self.labelMessage])
        #expect(NameValidation.dns1123Label("a.b") == ["must not contain dots"])
        #expect(NameValidation.dns1123Label(String(repeating: "a", count: 64)) == ["must be no more than 63 characters"])
        #expect(NameValidation.dns1123Label(String(repeating: "A", count: 64)) == ["must be no more than 63 characters", Self.labelMessage])
    }

    @Test func pathSegments() {
        #expect(NameValidation.pathSegment("web-0.17a3b").isEmpty)
        #expect(NameValidation.pathSegment("Any Thing:ok").isEmpty)
        #expect(NameValidation.pathSegment(".") == ["may not be '.'"])
        #expect(NameValidation.pathSegment("..") == ["may not be '..'"])
        #expect(NameValidation.pathSegment("a/b%c") == ["may not contain '/'", "may not contain '%'"])
    }

    @Test func qualifiedNames() {
        for valid in ["app", "App_1.x", "example.com/app", "kubernetes.io/pvc-protection", "a/B"] {
            #expect(NameValidation.qualifiedName(valid).isEmpty, "\(valid)")
        }
        #expect(NameValidation.qualifiedName("-app") == ["name part " + Self.qualifiedMessage])
        #expect(NameValidation.qualifiedName("") == ["name part must be non-empty", "name part " + Self.qualifiedMessage])
        #expect(NameValidation.qualifiedName("/app") == ["prefix part must be non-empty"])
        #expect(NameValidation.qualifiedName("Example.com/app") == ["prefix part " + Self.subdomainMessage])
        #expect(NameValidation.qualifiedName("a/b/c") == ["a qualified name " + Self.qualifiedMessage
            + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"])
        #expect(NameValidation.qualifiedName(String(repeating: "a", count: 64)) == ["name part must be no more than 63 characters"])
    }

    /// The one-pass checks that let valid names skip building messages agree with the full rules on the edges.
    @Test func quickChecksAgreeWithTheFullRules() {
        let subdomains = ["a", "a.b", "a-b.c-d", "0.0", "a.", ".a", "a..b", "a-.b", "a.-b", "-a", "a-", "A.b", "a_b", "", "é.x",
                          String(repeating: "a", count: 253), String(repeating: "a", count: 254)]
        #expect(subdomains.filter { NameValidation.dns1123Subdomain($0).isEmpty }
                == ["a", "a.b", "a-b.c-d", "0.0", String(repeating: "a", count: 253)])
        #expect(NameValidation.dns1123Subdomain("a..b") == [Self.subdomainMessage], "an invalid name still gets Kubernetes' message")
        let keys = ["app", "a/b", "x.io/B_1", "x.io/", "/x", "x.io/a/b", "X.io/app", "x..io/app", "x.io/-a", "x.io/a-",
                    String(repeating: "a", count: 63), String(repeating: "a", count: 64), "\(String(repeating: "a", count: 254))/x"]
        let valid = keys.filter { NameValidation.qualifiedName($0).isEmpty }
        #expect(valid == ["app", "a/b", "x.io/B_1", String(repeating: "a", count: 63)])
        #expect(keys.filter { NameValidation.isQualifiedName($0) } == valid)
        // Annotation keys are judged lower-cased: an upper-case prefix is fine there, not in a label key.
        #expect(NameValidation.isQualifiedName("X.io/app", ignoringCase: true))
        #expect(!NameValidation.isQualifiedName("X.io/app"))
        for value in ["", "a", "a.b_c-D", "-a", "a-", "a b", String(repeating: "x", count: 64)] {
            #expect(NameValidation.isLabelValue(value) == NameValidation.labelValue(value).isEmpty, "\(value)")
        }
    }

    @Test func labelValues() {
        for valid in ["", "v1", "My_Value.2", String(repeating: "x", count: 63)] {
            #expect(NameValidation.labelValue(valid).isEmpty, "\(valid)")
        }
        #expect(NameValidation.labelValue("-x") == [Self.labelValueMessage])
        #expect(NameValidation.labelValue("a b") == [Self.labelValueMessage])
        #expect(NameValidation.labelValue(String(repeating: "x", count: 64)) == ["must be no more than 63 characters"])
    }

    @Test func generateNamePrefix() {
        #expect(NameValidation.check("web-", .dns1123Subdomain, prefix: true).isEmpty)
        #expect(NameValidation.check("web-", .dns1123Subdomain) == [Self.subdomainMessage])
        #expect(NameValidation.check("ns-", .dns1123Label, prefix: true).isEmpty)
        #expect(NameValidation.check("Web-", .dns1123Subdomain, prefix: true) == [Self.subdomainMessage])
        #expect(NameValidation.check("..", .pathSegment, prefix: true).isEmpty)
        #expect(NameValidation.maskTrailingDash("abc-") == "aba")
        #expect(NameValidation.maskTrailingDash("-") == "-")
    }
}
