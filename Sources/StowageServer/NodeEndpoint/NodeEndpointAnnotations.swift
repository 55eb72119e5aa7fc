/// The annotations a node agent that serves its pods' logs and exec (a node endpoint, as kubelet's port 10250)
/// puts on its Node, and the API server reads to reach it.
public enum NodeEndpointAnnotations {
    /// `https://IP:PORT` of the node endpoint.
    public static let url = "node.stowage.dev/endpoint"
    /// The PEM certificate of the CA that signed the endpoint's serving certificate (the node's own): the API
    /// server trusts exactly this CA for this node. Written by the node agent with its credentials to the API.
    public static let certificateAuthority = "node.stowage.dev/endpoint-ca"
}
