#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ComplexLanguage
import ComplexWire
import NIOCore
import NIOEmbedded
import NIOHTTP1

/// Sends every operation to complex-server as `POST /<op>` over one keep-alive
/// HTTP/1.1 connection.
///
/// HTTP is encoded and parsed by SwiftNIO's codec, driven over a blocking socket: the
/// REPL waits for each answer anyway, and this avoids an event loop and a thread hop
/// per operation (AsyncHTTPClient and URLSession measured 5× and 10× slower here).
public final class HTTPBackend: Backend, RegisteredBackend {
    public static let registryName = "http"
    public static let help = "complex-server over HTTP/1.1; ARG: URL (default http://127.0.0.1:3000, auto-started)"
    public static let defaultURL = "http://127.0.0.1:3000"

    public var name: String { Self.registryName }
    public var summary: String { "http (\(url))" }

    let url: String
    let address: HTTPAddress
    let isDefault: Bool
    let configuration: BackendConfiguration
    let authorization: String?
    var connection: BlockingSocket?
    /// The reply decoder of `connection`: made and dropped with it.
    var replies: HTTPReplyDecoder?
    var body: [UInt8] = []
    var request: [UInt8] = []
    /// Everything between the path and the Content-Length value.
    let requestHeaders: [UInt8]
    var received: [UInt8] = []
    var writer = JSONWriter()
    var paths: [String]

    init(url: String, address: HTTPAddress, isDefault: Bool, configuration: BackendConfiguration) {
        self.url = url
        self.address = address
        self.isDefault = isDefault
        self.configuration = configuration
        self.authorization = configuration.environment["COMPLEX_SERVER_TOKEN"].flatMap { $0.isEmpty ? nil : "Bearer \($0)" }
        self.paths = Operation.allCases.map { "/" + $0.rawValue }
        var headers = " HTTP/1.1\r\nHost: \(address)\r\nContent-Type: application/json\r\n"
        if let authorization { headers += "Authorization: \(authorization)\r\n" }
        headers += "Content-Length: "
        self.requestHeaders = Array(headers.utf8)
    }

    public static func make(_ configuration: BackendConfiguration) throws(BackendError) -> any Backend {
        let url = configuration.argument ?? defaultURL
        guard url.hasPrefix("http://") else {
            throw .invalidArgument(backend: registryName, argument: url,
                                   hint: url.hasPrefix("https://") ? "complex-server speaks plain HTTP; use http://" : "expected a URL like http://127.0.0.1:3000")
        }
        var authority = String(url.dropFirst("http://".count))
        while authority.hasSuffix("/") { authority.removeLast() }
        if !authority.contains(":") || authority.hasSuffix("]") { authority += ":80" }
        guard !authority.contains("/"), let address = HTTPAddress(parsing: authority) else {
            throw .invalidArgument(backend: registryName, argument: url, hint: "expected http://HOST:PORT with no path, e.g. http://127.0.0.1:3000")
        }
        return HTTPBackend(url: url, address: address, isDefault: url == defaultURL, configuration: configuration)
    }

    public func apply(_ operation: Operation, _ a: Value, _ b: Value?) throws(OperationError) -> Value {
        body.removeAll(keepingCapacity: true)
        WireRequest(operation, a, b).encode(to: &body, writer: &writer, includeOperation: false)
        let reply: HTTPResponseCollector.Response
        while true {
            let kept = connection != nil
            let socket = try connected()
            do throws(BlockingSocket.Failure) {
                try send(path: paths[operation.index], socket: socket, replies: replies!)
                reply = try receive(socket: socket, replies: replies!)
                break
            } catch {
                disconnect()
                // See `BlockingSocket.Failure.peerClosed`: a kept connection gets one more try.
                if kept && error.peerClosed { continue }
                throw .backendFailure("http: lost complex-server at \(url) (\(error.reason)); the next operation reconnects")
            }
        }
        if !reply.keepAlive { disconnect() }
        let decoded: Result<WireResponse, WireError> = reply.body.withUnsafeReadableBytes { raw in
            do throws(WireError) { return .success(try WireResponse.decode(raw.bindMemory(to: UInt8.self))) } catch { return .failure(error) }
        }
        switch decoded {
        case .success(.result(let value)): return value
        case .success(.failure(let code, let message)): throw OperationError(code: code, message: message)
        case .failure(let error):
            throw .backendFailure("http: \(url) answered \(reply.status.code) with a body that is not the protocol's (\(error.message))")
        }
    }

    /// Sends `POST path` with `body`. The request is laid out here (a fixed shape, no
    /// parsing), and the reply decoder is told a POST went out.
    func send(path: String, socket: BlockingSocket, replies: HTTPReplyDecoder) throws(BlockingSocket.Failure) {
        request.removeAll(keepingCapacity: true)
        request.append(contentsOf: "POST ".utf8)
        request.append(contentsOf: path.utf8)
        request.append(contentsOf: requestHeaders)
        request.appendDecimal(UInt64(body.count))
        request.append(contentsOf: "\r\n\r\n".utf8)
        request.append(contentsOf: body)
        replies.expectReply()
        try socket.send(request)
    }

    func receive(socket: BlockingSocket, replies: HTTPReplyDecoder) throws(BlockingSocket.Failure) -> HTTPResponseCollector.Response {
        while true {
            let n = try socket.receive(into: &received, after: 0)
            if n == 0 { throw BlockingSocket.Failure.closedByServer }
            if let response = try replies.feed(received[..<n]) { return response }
        }
    }

    func disconnect() {
        connection = nil
        replies?.finish()
        replies = nil
    }

    func connected() throws(OperationError) -> BlockingSocket {
        if let connection { return connection }
        let address = self.address
        let socket = try ServerLauncher.connectOrStart(
            backend: Self.registryName, address: url, isDefault: isDefault,
            serverArguments: ["--no-socket", "--http", address.description], configuration: configuration
        ) { () throws(BlockingSocket.Failure) in
            try BlockingSocket.connect(host: address.host, port: address.port, timeoutSeconds: IPCBackend.timeoutSeconds)
        }
        socket.spinMicroseconds = IPCBackend.spinMicroseconds
        do {
            replies = try HTTPReplyDecoder()
        } catch {
            throw .backendFailure("http: cannot set up the HTTP codec: \(error)")
        }
        connection = socket
        return socket
    }
}
