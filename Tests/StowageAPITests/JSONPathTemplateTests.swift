import Testing
import StowageAPI
import StowageJSON

@Suite struct JSONPathTemplateTests {
    let list = try! JSONParser.parse("""
        {"kind":"List","items":[
          {"metadata":{"name":"a","labels":{"app":"web"}},"status":{"phase":"Bound","capacity":{"storage":"1Gi"}}},
          {"metadata":{"name":"b","labels":{"app":"db"}},"status":{"phase":"Pending"}}]}
        """)

    @Test(arguments: [
        ("{.items[*].metadata.name}", "a b"),
        ("{.items[0].status.phase}", "Bound"),
        ("{.items[-1].metadata.name}", "b"),
        ("{.items[0].metadata.labels['app']}", "web"),
        ("{.items[?(@.status.phase==\"Bound\")].metadata.name}", "a"),
        ("{range .items[*]}{.metadata.name}={.status.phase}{\"\\n\"}{end}", "a=Bound\nb=Pending\n"),
        ("{.items[1].status.capacity}", ""),
        ("{.items[0].status.capacity}", "{\"storage\":\"1Gi\"}"),
        ("{..phase}", "Bound Pending"),
        (".kind", "List"),
        ("names: {.items[*].metadata.name}!", "names: a b!"),
    ])
    func rendersLikeKubectl(template: String, expected: String) throws {
        #expect(try JSONPathTemplate(template).render(list) == expected)
    }

    @Test(arguments: ["{.items[", "{range .items[*]}{.x}", "{end}", "{.items[abc]}"])
    func refusesBrokenTemplates(template: String) {
        #expect(throws: JSONPathTemplate.ParseError.self) { try JSONPathTemplate(template) }
    }
}
