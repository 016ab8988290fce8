import ComplexLanguage
import ComplexServer
import ComplexWire
import Foundation
import Logging
import Testing
import TestSupport
@testable import ComplexBackends

/// The shm backend's side of the rings, against a `Server` in the same process: batches
/// that wrap the rings many times, replies in order, and `ClientPolicy`'s rules when
/// the server goes away and comes back.
@Suite struct SharedMemoryBackendRingTests {
    /// A server on `path` in this process, until `stop` is finished.
    func serve(_ path: String) async throws -> (Task<Void, any Error>, AsyncStream<Void>.Continuation) {
        let server = Server(configuration: ServerConfiguration(socketPath: path), logger: Logger(label: "test"))
        let (stream, stop) = AsyncStream<Void>.makeStream()
        let running = Task { try await server.run(until: { for await _ in stream {} }) }
        let deadline = Date().addingTimeInterval(10)
        while (try? LineClient(socketPath: path)) == nil && Date() < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        return (running, stop)
    }

    func backend(_ path: String, depth: Int) throws -> any Backend {
        var configuration = BackendConfiguration(argument: path)
        configuration.depth = depth
        return try SharedMemoryBackend.make(configuration)
    }

    @Test(arguments: [1, 7, SharedMemoryLayout.slotCount])
    func batchesWrapTheRingsAndComeBackInOrder(depth: Int) async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/s.sock"
        let (running, stop) = try await serve(path)
        let backend = try backend(path, depth: depth)
        // Three times round the rings, with a failure in the middle of each lap.
        let calls = (0..<(3 * SharedMemoryLayout.slotCount + 5)).map { index in
            index % 100 == 50 ? OperationCall(.div, .real(1), .real(0)) : OperationCall(.mul, .complex(ComplexNumber(Double(index), 1)), .real(2))
        }
        var results: [Result<Value, OperationError>] = []
        backend.apply(calls, into: &results)
        #expect(results.count == calls.count)
        for (call, result) in zip(calls, results) {
            let expected = Result { () throws(OperationError) in try call.operation.perform(call.a, call.b) }
            #expect(result == expected, "\(call)")
        }
        // The same without arrays: each answer once, in order, with its index.
        var answered: [Int] = []
        backend.apply(count: calls.count, call: { calls[$0] }, answer: { index, result in
            answered.append(index)
            #expect(result == results[index], "\(calls[index])")
        })
        #expect(answered == Array(calls.indices))
        #expect(try backend.apply(.sqrt, .real(-4), nil) == .complex(ComplexNumber(0, 2)))
        stop.finish()
        try await running.value
    }

    @Test func aServerThatGoesAwayFailsTheCallAndOneThatComesBackIsReconnected() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/s.sock"
        var (running, stop) = try await serve(path)
        let backend = try backend(path, depth: 16)
        #expect(try backend.apply(.add, .real(1), .real(2)) == .real(3))
        stop.finish()
        try await running.value
        let lost = Result { () throws(OperationError) in try backend.apply(.add, .real(1), .real(2)) }
        guard case .failure(.backendFailure(let message)) = lost else {
            Issue.record("\(lost)")
            return
        }
        #expect(message.hasPrefix("shm: "), "\(message)")
        (running, stop) = try await serve(path)
        #expect(try backend.apply(.add, .real(2), .real(2)) == .real(4))
        stop.finish()
        try await running.value
    }
}
