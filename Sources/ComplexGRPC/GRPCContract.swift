import ComplexWire

/// What complex-server's gRPC listener and the `grpc` backend agree on beyond the
/// .proto files: where the listener is by default, and how a token travels.
package enum GRPCContract {
    /// The default address: gRPC's customary port, on loopback.
    package static let defaultAddress = HTTPAddress(host: "127.0.0.1", port: 50051)
    /// The metadata key of the bearer token (`authorization: Bearer TOKEN`), as HTTP's
    /// header.
    package static let authorizationKey = "authorization"
    /// The services the health service reports on: the server as a whole ("") and
    /// the calculator.
    package static let healthServices: Set<String> = ["", Complex_V1_Calculator.descriptor.fullyQualifiedService]
}
