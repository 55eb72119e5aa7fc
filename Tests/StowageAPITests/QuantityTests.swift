import Foundation
import Testing
@testable import StowageAPI

/// Parsing, printing, comparing and coding of `Quantity`, checked against Kubernetes' behaviour.
struct QuantityTests {
    static let regexMessage = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"

    /// Input and the string Kubernetes prints for it.
    @Test(arguments: [
        ("0", "0"), ("00", "0"), ("0Gi", "0"), ("0m", "0"), ("-0", "0"),
        ("1", "1"), ("1000", "1k"), ("1024", "1024"), ("100m", "100m"), ("1000m", "1"), ("1.5", "1500m"),
        ("0.5", "500m"), (".5", "500m"), ("1n", "1n"), ("0.1n", "1n"), ("1.0000000001", "1000000001n"),
        ("1u", "1u"), ("1k", "1k"), ("1000M", "1G"), ("1G", "1G"), ("1.5G", "1500M"), ("1T", "1T"), ("1P", "1P"),
        ("1E", "1E"), ("8E", "8E"), ("1000E", "1e21"), ("10E", "10E"),
        ("1Ki", "1Ki"), ("8Ki", "8Ki"), ("1Mi", "1Mi"), ("1Gi", "1Gi"), ("1Ti", "1Ti"), ("1Pi", "1Pi"), ("1Ei", "1Ei"),
        ("7Ei", "7Ei"), ("8Ei", "9223372036854775807"), ("1024Mi", "1Gi"), ("1536Mi", "1536Mi"), ("0.5Gi", "512Mi"),
        ("1.5Gi", "1536Mi"), ("2048Ki", "2Mi"), ("1.5Ki", "1536"), ("0.5Ki", "512"), ("0.1Ki", "102400m"),
        ("1.1Ki", "1126400m"), ("0.5Mi", "512Ki"),
        ("1e9", "1e9"), ("1E3", "1E3"), ("12e-3", "12e-3"), ("1e-3", "1e-3"), ("1.5e3", "1500"), ("100e6", "100e6"),
        ("1000e6", "1e9"), ("10e2", "1e3"), ("1e0", "1e0"), ("1e+3", "1e+3"),
        ("-1Gi", "-1Gi"), ("-1024Mi", "-1Gi"), ("-1.5", "-1500m"), ("+1Ki", "+1Ki"), ("+1024Mi", "1Gi"),
        ("1.", "1."), ("010", "010"), ("0100m", "0100m"), ("00.5", "500m"),
    ])
    func printsKubernetesForm(input: String, printed: String) throws {
        let quantity = try Quantity(parsing: input)
        #expect(quantity.description == printed)
        // What Kubernetes prints parses back to the same value.
        #expect(try Quantity(parsing: printed) == quantity)
    }

    @Test func canonicalFormIgnoresSpelling() throws {
        #expect(try Quantity(parsing: "+1Ki").canonicalString == "1Ki")
        #expect(try Quantity(parsing: "1E3").canonicalString == "1e3")
        #expect(try Quantity(parsing: "1.").canonicalString == "1")
    }

    @Test func formatFamilyIsKept() throws {
        #expect(try Quantity(parsing: "1Gi").format == .binarySI)
        #expect(try Quantity(parsing: "1G").format == .decimalSI)
        #expect(try Quantity(parsing: "1e9").format == .decimalExponent)
        // Binary values below one switch to decimal.
        #expect(try Quantity(parsing: "0.0000001Ki").format == .decimalSI)
    }

    @Test(arguments: [
        ("1Gi", "1024Mi"), ("1Gi", "1073741824"), ("1000m", "1"), ("1G", "1e9"), ("1k", "1000"), ("0.5Gi", "512Mi"),
        ("1.5", "1500m"), ("1e-3", "1m"), ("0", "0Gi"), ("-1Ki", "-1024"), ("8Ei", "9223372036854775807"),
    ])
    func equalAcrossForms(lhs: String, rhs: String) throws {
        let left = try Quantity(parsing: lhs)
        let right = try Quantity(parsing: rhs)
        #expect(left == right)
        #expect(left.hashValue == right.hashValue)
        #expect(!(left < right) && !(right < left))
    }

    @Test func ordering() throws {
        let sorted = try ["-1Gi", "-1", "0", "1n", "1m", "1", "1k", "500Mi", "1G", "1Gi", "1T", "1Ti", "1E", "1Ei", "1000E", "1e30"]
            .map { try Quantity(parsing: $0) }
        for (index, quantity) in sorted.enumerated() {
            for later in sorted[(index + 1)...] {
                #expect(quantity < later, "\(quantity) < \(later)")
                #expect(!(later < quantity))
                #expect(quantity != later)
            }
        }
        #expect(try Quantity(parsing: "1G") < Quantity(parsing: "1Gi"))
        #expect(try Quantity(parsing: "1000000001n") > Quantity(parsing: "1"))
    }

    @Test(arguments: [
        ("1Gi", Int64(1_073_741_824)), ("1.5", 2), ("100m", 1), ("1n", 1), ("-1.5", -1), ("0", 0), ("1e3", 1000),
        ("8Ei", Int64.max), ("10E", Int64.max), ("-10E", Int64.min), ("1e-30", 1), ("1e100", Int64.max),
    ])
    func valueRoundsUp(input: String, value: Int64) throws {
        #expect(try Quantity(parsing: input).value == value)
    }

    @Test func signAndZero() throws {
        let negative = try Quantity(parsing: "-1Gi")
        #expect(negative.isNegative && negative.sign == -1 && !negative.isZero)
        #expect(try Quantity(parsing: "0").isZero)
        #expect(try Quantity(parsing: "-0").sign == 0)
        #expect(try Quantity(parsing: "1m").sign == 1)
    }

    @Test(arguments: ["1Gx", "", "1..5", "1 Gi", " 1", "1 ", "1.1.M", "1+1.0M", "aoeu", "1e3i", "1Gi ", "0.1am", "1Gb", "1KI"])
    func malformedInputsGiveTheRegexMessage(input: String) {
        #expect(throws: QuantityError.invalid(input)) { try Quantity(parsing: input) }
        #expect(QuantityError.invalid(input).description == Self.regexMessage)
    }

    @Test(arguments: ["1i", "0.1mi", ".5i", "-3.01i", "-3.01e-", "1e4294967297", "1E-2147483648", "1e", "1Mi5", "+-1"])
    func unknownSuffixes(input: String) {
        #expect(throws: QuantityError.invalidSuffix(input)) { try Quantity(parsing: input) }
        #expect(QuantityError.invalidSuffix(input).description == "unable to parse quantity's suffix")
    }

    /// Kubernetes reads an empty numerator as 0, so these parse (and fail positivity checks instead).
    @Test(arguments: ["Gi", "+", "-", ".", "m"])
    func emptyNumeratorIsZero(input: String) throws {
        #expect(try Quantity(parsing: input).isZero)
    }

    @Test func hugeExponentsStayCheap() throws {
        let huge = try Quantity(parsing: "1e2147483647")
        let tiny = try Quantity(parsing: "1e-2147483647")
        #expect(huge.description == "10e2147483646")
        #expect(tiny.description == "1e-9")
        #expect(tiny < huge)
        #expect(huge.value == .max)
    }

    @Test func bytesAndHelpers() {
        #expect(Quantity(bytes: 1_073_741_824).description == "1Gi")
        #expect(Quantity(bytes: 1_000_000_000).description == "1000000000")
        #expect(Quantity(bytes: 1536 << 20).description == "1536Mi")
        #expect(Quantity(bytes: 100).description == "100")
        #expect(Quantity(1000).description == "1k")
        #expect(Quantity.gibibytes(2) == Quantity(bytes: 2 << 30))
        #expect(Quantity.mebibytes(1024) == Quantity.gibibytes(1))
        #expect(Quantity.kibibytes(1).description == "1Ki")
        #expect(Quantity(bytes: -2048).description == "-2Ki")
    }

    struct Holder: Codable, Equatable { var storage: Quantity }

    @Test func codable() throws {
        let decoded = try JSONDecoder().decode(Holder.self, from: Data(#"{"storage":"1024Mi"}"#.utf8))
        #expect(decoded.storage == Quantity.gibibytes(1))
        #expect(String(decoding: try JSONEncoder().encode(decoded), as: UTF8.self) == #"{"storage":"1Gi"}"#)
        let number = try JSONDecoder().decode(Holder.self, from: Data(#"{"storage":1073741824}"#.utf8))
        #expect(number.storage == Quantity.gibibytes(1))
        let fraction = try JSONDecoder().decode(Holder.self, from: Data(#"{"storage":0.5}"#.utf8))
        #expect(fraction.storage.description == "500m")
        let padded = try JSONDecoder().decode(Holder.self, from: Data(#"{"storage":" 1Gi "}"#.utf8))
        #expect(padded.storage.description == "1Gi")
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(Holder.self, from: Data(#"{"storage":"1Gx"}"#.utf8))
        }
    }

    @Test func signValidation() throws {
        let path = FieldPath("spec.resources.requests").key("storage")
        #expect(QuantityValidation.positive(try Quantity(parsing: "0"), path).map(\.description)
                == [#"spec.resources.requests[storage]: Invalid value: "0": must be greater than zero"#])
        #expect(QuantityValidation.nonNegative(try Quantity(parsing: "-1Gi"), path).map(\.description)
                == [#"spec.resources.requests[storage]: Invalid value: "-1Gi": must be greater than or equal to 0"#])
        #expect(QuantityValidation.positive(try Quantity(parsing: "1Gi"), path).isEmpty)
        #expect(QuantityValidation.nonNegative(try Quantity(parsing: "0"), path).isEmpty)
    }
}
