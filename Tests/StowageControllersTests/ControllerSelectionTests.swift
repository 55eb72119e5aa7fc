import StowageAPI
import StowageControllers
import Testing

@Suite("--controllers")
struct ControllerSelectionTests {
    @Test("* turns every controller on; -name leaves one out; a plain list runs only those")
    func selection() throws {
        #expect(try ControllerSelection(parsing: "*").enabled == ControllerSelection.known)
        #expect(try ControllerSelection(parsing: "*,-binder").enabled == ControllerSelection.known.filter { $0 != "binder" })
        #expect(try ControllerSelection(parsing: "binder, protection").enabled == ["binder", "protection"])
        #expect(try ControllerSelection(parsing: "").enabled.isEmpty)
    }

    @Test("an unknown controller is refused, naming it and the known ones")
    func unknownController() {
        let error = #expect(throws: APIError.self) { try ControllerSelection(parsing: "*,-bindr") }
        #expect(error?.message == "--controllers: unknown controller \"bindr\" in \"*,-bindr\"; known: binder, provisioner, reclaimer, protection, expander, garbagecollector, ephemeral, statefulset, placement (and * for all)")
    }
}
