import Foundation
import Logging
import Testing
import TestSupport
@testable import ComplexServer

/// `Server` as a library: `run` returns only once every thread it started has ended.
@Suite struct ServerRunTests {
    /// Starts a server on a private socket; returns it, its task and what stops it.
    func start(in directory: TemporaryDirectory) async throws -> (Server, Task<Void, any Error>, AsyncStream<Void>.Continuation, String) {
        let path = directory.path + "/s.sock"
        let server = Server(configuration: ServerConfiguration(socketPath: path), logger: Logger(label: "test"))
        let (stream, stop) = AsyncStream<Void>.makeStream()
        let running = Task { try await server.run(until: { for await _ in stream {} }) }
        let deadline = Date().addingTimeInterval(10)
        while (try? LineClient(socketPath: path)) == nil {
            #expect(Date() < deadline, "the server did not come up on \(path)")
            guard Date() < deadline else { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        // The probe's connection ends on a thread of its own, in its own time: wait for it,
        // so that the threads counted after this are the test's. (Counted too early, it made
        // five threads of four on a loaded machine.)
        while server.threads.count > 0 && Date() < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        return (server, running, stop, path)
    }

    @Test func runReturnsAfterEveryConnectionAndChannelThread() async throws {
        let directory = try TemporaryDirectory()
        let (server, running, stop, path) = try await start(in: directory)
        let answered = try LineClient(socketPath: path)
        #expect(try answered.call(#"{"op":"add","a":1,"b":2}"#) == #"{"result":3}"#)
        let idle = try LineClient(socketPath: path)
        // A shm channel: its thread, and the connection that is its lifeline.
        let lifeline = try LineClient(socketPath: path)
        try lifeline.send(#"{"shm":"open"}"# + "\n")
        #expect(try lifeline.readLine()?.hasPrefix(#"{"shm":{"version":1"#) == true)
        try lifeline.send(#"{"shm":"mapped"}"# + "\n")
        var waited = 0
        while server.threads.count < 4 && waited < 500 {  // 3 connections and a channel
            try await Task.sleep(for: .milliseconds(10))
            waited += 1
        }
        #expect(server.threads.count == 4)
        stop.finish()
        try await running.value
        #expect(server.threads.count == 0)
        _ = (answered, idle, lifeline)
    }

    /// An idle shm lifeline carries no reply: it does not hold up the stop's grace period.
    @Test func anIdleLifelineIsNotBusy() async throws {
        let directory = try TemporaryDirectory()
        let (server, running, stop, path) = try await start(in: directory)
        let lifeline = try LineClient(socketPath: path)
        try lifeline.send(#"{"shm":"open"}"# + "\n")
        _ = try lifeline.readLine()
        try lifeline.send(#"{"shm":"mapped"}"# + "\n")
        let plain = try LineClient(socketPath: path)
        _ = try plain.call(#"{"op":"neg","a":1}"#)
        var waited = 0
        while (server.activity.openConnections < 2 || server.activity.busyConnections > 1) && waited < 500 {
            try await Task.sleep(for: .milliseconds(10))
            waited += 1
        }
        #expect(server.activity.openConnections == 2)
        #expect(server.activity.busyConnections == 1)
        stop.finish()
        try await running.value
        #expect(server.threads.count == 0)
        _ = (lifeline, plain)
    }
}
