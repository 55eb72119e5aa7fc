import Foundation
import StowageCSI

/// The Identity service: GetPluginInfo's name rules, known plugin capabilities, Probe.
enum IdentityChecks {
    static let all: [SanityCheck] = [pluginName, vendorVersion, pluginCapabilities, probe]

    static let pluginName = SanityCheck(
        "Identity/plugin-info-name",
        "GetPluginInfo.name has 3 to 63 characters, domain-name style, starts and ends with a letter"
    ) { context in
        let info = try await context.ok(GetPluginInfoRequest())
        if let problem = nameProblem(info.name) { throw CheckFailure("GetPluginInfo.name \"\(info.name)\" \(problem)") }
    }

    static let vendorVersion = SanityCheck(
        "Identity/plugin-info-vendor-version", "GetPluginInfo.vendorVersion is not empty"
    ) { context in
        let info = try await context.ok(GetPluginInfoRequest())
        try ensure(!info.vendorVersion.isEmpty, "GetPluginInfo.vendorVersion is empty")
    }

    static let pluginCapabilities = SanityCheck(
        "Identity/plugin-capabilities-known",
        "GetPluginCapabilities lists only known service and volume-expansion types"
    ) { context in
        let response = try await context.ok(GetPluginCapabilitiesRequest())
        for capability in response.capabilities {
            switch capability {
            case .service(let type):
                try ensure(type.isKnown && type != .unknown, "GetPluginCapabilities lists service type \"\(type)\"")
            case .volumeExpansion(let type):
                try ensure(type.isKnown && type != .unknown, "GetPluginCapabilities lists volumeExpansion type \"\(type)\"")
            case .unknown:
                throw CheckFailure("GetPluginCapabilities lists a capability that is neither service nor volumeExpansion")
            }
        }
    }

    static let probe = SanityCheck("Identity/probe", "Probe answers, with ready absent or true") { context in
        let response = try await context.ok(ProbeRequest())
        try ensure(response.ready ?? true, "Probe answered ready=false on a driver that is serving")
    }

    /// Why `name` breaks the page's rule, or nil: 3–63 characters of letters, digits, `-` and `.`, labels
    /// separated by single dots, first and last character a letter.
    static func nameProblem(_ name: String) -> String? {
        guard (3...63).contains(name.count) else { return "has \(name.count) characters; want 3 to 63" }
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.")
        if let bad = name.first(where: { !allowed.contains($0) }) {
            return "contains \"\(bad)\"; want only letters, digits, '-' and '.'"
        }
        guard let first = name.first, first.isLetter, let last = name.last, last.isLetter else {
            return "must start and end with a letter"
        }
        if name.contains("..") || name.contains(".-") || name.contains("-.") {
            return "has an empty or dash-edged label; want domain-name style like hostpath.stowage.dev"
        }
        return nil
    }
}
