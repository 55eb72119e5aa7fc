import Foundation

extension SanityReport {
    /// The report as JUnit XML: one `<testsuite>` per group (Identity, Controller, Node, ...), one `<testcase>`
    /// per check with `<failure message=...>` or `<skipped message=...>`, which CI systems display.
    ///
    /// - Parameter name: the `<testsuites name>` attribute, for example the driver's name.
    public func junitXML(name: String = "stowage-driver-sanity") -> String {
        var groups: [(String, [SanityResult])] = []
        for result in results {
            if let index = groups.firstIndex(where: { $0.0 == result.group }) {
                groups[index].1.append(result)
            } else {
                groups.append((result.group, [result]))
            }
        }
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        xml += "<testsuites name=\"\(escape(name))\" tests=\"\(results.count)\" failures=\"\(failedCount)\""
            + " skipped=\"\(skippedCount)\" time=\"\(seconds(results.map(\.duration)))\">\n"
        for (group, members) in groups {
            let failures = members.filter { if case .failed = $0.outcome { true } else { false } }.count
            let skipped = members.filter { if case .skipped = $0.outcome { true } else { false } }.count
            xml += "  <testsuite name=\"\(escape(group))\" tests=\"\(members.count)\" failures=\"\(failures)\""
                + " skipped=\"\(skipped)\" time=\"\(seconds(members.map(\.duration)))\">\n"
            for result in members {
                let caseName = String(result.id.dropFirst(group.count + 1))
                xml += "    <testcase classname=\"\(escape(group))\" name=\"\(escape(caseName))\""
                    + " time=\"\(seconds([result.duration]))\">\n"
                xml += "      <system-out>\(escape(result.description))</system-out>\n"
                switch result.outcome {
                case .passed: break
                case .failed(let reason):
                    xml += "      <failure message=\"\(escape(reason))\">\(escape(reason))</failure>\n"
                case .skipped(let reason):
                    xml += "      <skipped message=\"\(escape(reason))\"/>\n"
                }
                xml += "    </testcase>\n"
            }
            xml += "  </testsuite>\n"
        }
        return xml + "</testsuites>\n"
    }

    private func seconds(_ durations: [Duration]) -> String {
        let total = durations.reduce(Duration.zero, +)
        let value = Double(total.components.seconds) + Double(total.components.attoseconds) / 1e18
        return String(format: "%.3f", value)
    }

    private func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\n", "\t": out += "&#\(scalar.value);"
            case _ where scalar.value < 0x20: out += "?"  // not allowed in XML 1.0
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
