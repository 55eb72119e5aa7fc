import Foundation
import StowageAPI

/// Which controllers run, spelled as kube-controller-manager's `--controllers`: a comma-separated list where `*`
/// means every controller on by default, `name` turns one on and `-name` turns one off (`*,-binder`).
public struct ControllerSelection: Sendable, Equatable, CustomStringConvertible {
    /// Every controller Stowage knows, in the order they start.
    public static let known = ["binder", "provisioner", "reclaimer", "protection", "expander", "garbagecollector", "ephemeral", "statefulset", "placement"]

    private let items: [String]

    /// Every controller.
    public static let all = ControllerSelection(validated: ["*"])

    /// Parses `--controllers`.
    /// - Throws: ``APIError`` BadRequest naming an unknown controller and listing the known ones.
    public init(parsing text: String) throws {
        let items = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        for item in items where item != "*" {
            let name = item.hasPrefix("-") ? String(item.dropFirst()) : item
            guard Self.known.contains(name) else {
                throw APIError.badRequest("--controllers: unknown controller \"\(name)\" in \"\(text)\"; known: \(Self.known.joined(separator: ", ")) (and * for all)")
            }
        }
        self.items = items
    }

    private init(validated items: [String]) { self.items = items }

    /// Whether `name` runs: an explicit `-name` wins, then an explicit `name`, then `*`.
    public func isEnabled(_ name: String) -> Bool {
        if items.contains("-" + name) { return false }
        if items.contains(name) { return true }
        return items.contains("*")
    }

    /// The controllers that run, in start order.
    public var enabled: [String] { Self.known.filter(isEnabled) }

    public var description: String { items.joined(separator: ",") }
}
