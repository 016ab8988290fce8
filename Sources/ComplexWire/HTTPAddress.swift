import Glibc

/// A `HOST:PORT` to listen on or connect to; `[::1]:3000` for IPv6.
package struct HTTPAddress: Sendable, Equatable, CustomStringConvertible {
    package var host: String
    package var port: Int

    /// The original demo's port, on loopback only.
    package static let `default` = HTTPAddress(host: "127.0.0.1", port: 3000)

    package init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `HOST:PORT`; nil when it is not one.
    package init?(parsing text: String) {
        var host: Substring
        let portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else { return nil }
            host = text[text.index(after: text.startIndex)..<close]
            portText = text[text.index(close, offsetBy: 2)...]
        } else {
            guard let colon = text.lastIndex(of: ":") else { return nil }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
        }
        guard !host.isEmpty, let port = Int(portText), (0...65535).contains(port) else { return nil }
        if host == "localhost" { host = "127.0.0.1" }
        self.init(host: String(host), port: port)
    }

    /// The addresses `host` stands for, as the C library resolves it (a literal address
    /// stands for itself), each as a numeric host and whether it is loopback.
    package func resolve() throws(ResolutionError) -> [ResolvedHost] {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_ADDRCONFIG
        var list: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(host, nil, &hints, &list)
        guard rc == 0, let first = list else {
            throw ResolutionError(host: host, reason: String(cString: gai_strerror(rc)))
        }
        defer { freeaddrinfo(first) }
        var hosts: [ResolvedHost] = []
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let info = entry?.pointee {
            if let address = info.ai_addr, let resolved = ResolvedHost(address) { hosts.append(resolved) }
            entry = info.ai_next
        }
        guard !hosts.isEmpty else { throw ResolutionError(host: host, reason: "no IPv4 or IPv6 address") }
        return hosts
    }

    package var description: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}

/// One address a host name resolved to.
package struct ResolvedHost: Sendable, Equatable, CustomStringConvertible {
    /// The address in numeric form (`127.0.0.1`, `::1`), which binds without resolving again.
    package var numeric: String
    /// True for 127.0.0.0/8, ::1 and ::ffff:127.0.0.0/104: reachable only from this machine.
    package var isLoopback: Bool

    init?(_ address: UnsafePointer<sockaddr>) {
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        switch Int32(address.pointee.sa_family) {
        case AF_INET:
            var ipv4 = address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr }
            isLoopback = UInt32(bigEndian: ipv4.s_addr) >> 24 == 127
            inet_ntop(AF_INET, &ipv4, &text, socklen_t(text.count))
        case AF_INET6:
            var ipv6 = address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee.sin6_addr }
            let bytes = withUnsafeBytes(of: ipv6) { Array($0) }
            let mapped = bytes[0..<10].allSatisfy { $0 == 0 } && bytes[10] == 0xff && bytes[11] == 0xff
            isLoopback = bytes == [UInt8](repeating: 0, count: 15) + [1] || (mapped && bytes[12] == 127)
            inet_ntop(AF_INET6, &ipv6, &text, socklen_t(text.count))
        default:
            return nil
        }
        numeric = String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    package var description: String { numeric }
}

/// A listening host that the C library could not resolve.
package struct ResolutionError: Error, Sendable, CustomStringConvertible {
    package var host: String
    package var reason: String
    package var description: String { "cannot resolve \(host): \(reason)" }
}
