import ComplexWire

/// A server URL as the `http` and `grpc` backends take it: `SCHEME://HOST[:PORT]`, with
/// nothing after the authority but slashes.
enum ServerURL {
    /// The address `url` names, or an error that says how to fix it.
    /// - Parameters:
    ///   - scheme: the backend's scheme (`http`); `scheme` + `s` (TLS) gets its own hint.
    ///   - speaks: what complex-server speaks there, for that hint (`plain HTTP`).
    ///   - defaultPort: the port of a URL that names none; nil: it must name one.
    ///   - example: a URL that works (the backend's default).
    static func address(
        of url: String, backend: String, scheme: String, speaks: String, defaultPort: Int?, example: String
    ) throws(BackendError) -> HTTPAddress {
        let prefix = scheme + "://"
        guard url.hasPrefix(prefix) else {
            throw .invalidArgument(backend: backend, argument: url,
                                   hint: url.hasPrefix(scheme + "s://") ? "complex-server speaks \(speaks); use \(prefix)" : "expected a URL like \(example)")
        }
        var authority = String(url.dropFirst(prefix.count))
        while authority.hasSuffix("/") { authority.removeLast() }
        if let defaultPort, !authority.contains(":") || authority.hasSuffix("]") { authority += ":\(defaultPort)" }
        guard !authority.contains("/"), let address = HTTPAddress(parsing: authority) else {
            throw .invalidArgument(backend: backend, argument: url, hint: "expected \(prefix)HOST:PORT with no path, e.g. \(example)")
        }
        return address
    }
}
