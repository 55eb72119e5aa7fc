import Foundation
import StowageJSON

/// Measures what one call costs in JSON work alone (no I/O), for `stowage bench driver`.
public enum CodecCost {
    /// Average microseconds per operation for the four codec steps of a call of type `R`:
    /// client request encode, server request decode, server response encode, client response decode.
    public static func measure<R: CSIRequest>(_ request: R, response: R.Response, iterations: Int = 20_000) throws
        -> (requestEncode: Double, requestDecode: Double, responseEncode: Double, responseDecode: Double) {
        let clock = ContinuousClock()
        func micros(_ d: Duration) -> Double {
            (Double(d.components.seconds) * 1e6 + Double(d.components.attoseconds) / 1e12) / Double(iterations)
        }
        var params: [UInt8] = []
        var start = clock.now
        for _ in 0..<iterations { params = try JSONStreamEncoder().encode(request) }
        let requestEncode = micros(clock.now - start)
        let line = Array(JSONText.request(id: 42, method: R.method.rawValue, params: params).dropLast())
        let decoder = JSONTreeDecoder(userInfo: [IncomingRequest.tableKey: MethodTable.standard])
        start = clock.now
        for _ in 0..<iterations { _ = try decoder.decode(IncomingRequest.self, from: line) }
        let requestDecode = micros(clock.now - start)
        var result: [UInt8] = []
        start = clock.now
        for _ in 0..<iterations { result = try JSONStreamEncoder().encode(response) }
        let responseEncode = micros(clock.now - start)
        let answer = JSONText.success(id: .number(42), result: result)
        start = clock.now
        for _ in 0..<iterations { _ = try DriverClient.decodeResponse(answer, method: R.method.rawValue, as: R.Response.self) }
        let responseDecode = micros(clock.now - start)
        return (requestEncode, requestDecode, responseEncode, responseDecode)
    }
}
