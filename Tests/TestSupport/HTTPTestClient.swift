import Foundation

/// A raw HTTP/1.1 client on one TCP connection, for tests that need control over
/// the bytes: split bodies, chunked bodies, many requests on one connection.
public final class HTTPTestClient {
    public struct Response {
        public var status: Int
        public var headers: [String: String]
        public var body: String
    }

    public let fd: Int32
    var pending: [UInt8] = []

    public init(port: Int, host: String = "127.0.0.1") throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr(host)
        address.sin_port = UInt16(port).bigEndian
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else {
            // deinit closes fd: an initializer that throws once every property is set
            // still runs deinit, so closing here too would close someone else's descriptor.
            throw LineClient.Failure("connect 127.0.0.1:\(port): \(String(cString: strerror(errno)))")
        }
        var limit = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd) }

    public func send(_ text: String) throws {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { Glibc.send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw LineClient.Failure("send: \(String(cString: strerror(errno)))") }
            offset += n
        }
    }

    /// A complete request with a Content-Length body.
    public func request(_ method: String, _ path: String, body: String? = nil, headers: [String: String] = [:]) throws -> Response {
        var text = "\(method) \(path) HTTP/1.1\r\nHost: test\r\n"
        for (name, value) in headers { text += "\(name): \(value)\r\n" }
        if let body { text += "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n" }
        text += "\r\n" + (body ?? "")
        try send(text)
        return try readResponse()
    }

    func fill() throws -> Bool {
        var buffer = [UInt8](repeating: 0, count: 65536)
        let n = recv(fd, &buffer, buffer.count, 0)
        if n == 0 { return false }
        guard n > 0 else { throw LineClient.Failure("recv: \(String(cString: strerror(errno)))") }
        pending += buffer[..<n]
        return true
    }

    /// Reads one response (Content-Length framed, as complex-server sends); a response
    /// to HEAD has the headers of GET's but no body (`bodyless`).
    public func readResponse(bodyless: Bool = false) throws -> Response {
        let separator: [UInt8] = [13, 10, 13, 10]
        var headerEnd: Int?
        while headerEnd == nil {
            if pending.count >= 4 {
                headerEnd = (0...(pending.count - 4)).first { Array(pending[$0..<$0 + 4]) == separator }
            }
            if headerEnd == nil, try !fill() { throw LineClient.Failure("connection closed before a response") }
        }
        let headText = String(decoding: pending[..<headerEnd!], as: UTF8.self)
        var lines = headText.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ")
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let length = bodyless ? 0 : Int(headers["content-length"] ?? "0") ?? 0
        let bodyStart = headerEnd! + 4
        while pending.count < bodyStart + length {
            if try !fill() { throw LineClient.Failure("connection closed mid-body") }
        }
        let body = String(decoding: pending[bodyStart..<bodyStart + length], as: UTF8.self)
        pending.removeFirst(bodyStart + length)
        return Response(status: Int(statusLine[1]) ?? 0, headers: headers, body: body)
    }

    /// Sends as much of `text` as the socket takes without waiting; how much it took.
    @discardableResult
    public func sendWithoutBlocking(_ text: String) throws -> Int {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL | MSG_DONTWAIT)) }
            if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { break }
            guard n > 0 else { throw LineClient.Failure("send: \(String(cString: strerror(errno)))") }
            offset += n
        }
        return offset
    }

    /// True, without waiting, when the server has closed or reset the connection.
    public func hasBeenClosed() -> Bool {
        var byte: UInt8 = 0
        let n = recv(fd, &byte, 1, Int32(MSG_PEEK | MSG_DONTWAIT))
        return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
    }

    /// True when the server has closed the connection (reads end of stream).
    public func isClosedByPeer() -> Bool {
        do {
            return try !fill()
        } catch {
            return errno == ECONNRESET  // a reset is the peer closing too; a timeout is not
        }
    }
}

extension ServerProcess {
    /// The HTTP port the server reports in its start-up line (for `--http 127.0.0.1:0`).
    public func httpPort(timeout: Double = 10) throws -> Int {
        try port(after: "http=http://127.0.0.1:", timeout: timeout)
    }

    /// The gRPC port the server says it listens on (for `--grpc 127.0.0.1:0`).
    public func grpcPort(timeout: Double = 10) throws -> Int {
        try port(after: "grpc=grpc://127.0.0.1:", timeout: timeout)
    }

    func port(after prefix: String, timeout: Double) throws -> Int {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let range = log.range(of: prefix) {
                let digits = log[range.upperBound...].prefix(while: \.isNumber)
                if let port = Int(digits) { return port }
            }
            usleep(10_000)
        }
        throw LineClient.Failure("no \(prefix) port in the server's log: \(log)")
    }
}
