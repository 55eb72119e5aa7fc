import StowageAPI

/// Kubernetes' protobuf wire form (`application/vnd.kubernetes.protobuf`): the four bytes `k8s\0`, then a
/// `runtime.Unknown` message whose `typeMeta` (1) names the apiVersion (1) and kind (2) and whose `raw` (2) holds
/// the object's own message.
enum KubernetesEnvelope {
    static let magic: [UInt8] = [0x6B, 0x38, 0x73, 0x00]

    /// The apiVersion, kind and message of an enveloped object.
    /// - Throws: ``APIError`` BadRequest when the bytes are not an envelope or cannot be read.
    static func open(_ bytes: [UInt8]) throws -> (apiVersion: String?, kind: String?, object: ProtobufFields) {
        guard bytes.starts(with: magic) else {
            throw APIError.badRequest("the protobuf body does not start with Kubernetes' \"k8s\\0\" prefix")
        }
        do {
            let unknown = try ProtobufFields(bytes.dropFirst(magic.count))
            let typeMeta = try unknown.messages(1).last
            let object = try ProtobufFields(unknown.bytes(2).last ?? [])
            return (typeMeta?.string(1), typeMeta?.string(2), object)
        } catch {
            throw APIError.badRequest("the protobuf body could not be read: \(error)")
        }
    }
}
