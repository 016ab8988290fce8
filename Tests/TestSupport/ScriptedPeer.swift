import Foundation

/// A fake server written in Python for one test: started with its arguments, its first
/// line of output (the address it listens on) read before the test goes on, and
/// stopped when the test is done with it.
public final class ScriptedPeer {
    let process = Process()
    let output = Pipe()
    /// The first line the script printed, without its newline.
    public let firstLine: String
    /// What came after the first line in the same read.
    var rest = Data()

    /// The test runner's threads block SIGTERM and a child inherits that, so the script
    /// first unblocks every signal (`stop` can end it) and gives up after a minute
    /// whatever happens.
    static let prologue = """
        import signal
        signal.pthread_sigmask(signal.SIG_SETMASK, [])
        signal.alarm(60)

        """

    public init(script: String, arguments: [String]) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", Self.prologue + script] + arguments
        process.standardOutput = output
        try process.run()
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")), case let chunk = output.fileHandleForReading.availableData, !chunk.isEmpty {
            line.append(chunk)
        }
        let end = line.firstIndex(of: UInt8(ascii: "\n")) ?? line.endIndex
        firstLine = String(decoding: line[..<end], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        rest = end < line.endIndex ? line[line.index(after: end)...] : Data()
    }

    /// Waits for the script to end on its own (stopping it after `timeout` seconds) and
    /// returns what it printed after its first line.
    public func finish(timeout: Double = 30) -> String {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        stop()
        rest.append(output.fileHandleForReading.readDataToEndOfFile())
        return String(decoding: rest, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Ends the script and waits for it.
    public func stop() {
        guard process.isRunning else { return }
        process.terminate()
        // Bounded, as `ServerProcess.stop`: an exit Foundation missed must not hang the suite.
        let deadline = Date().addingTimeInterval(5)
        while process.isRunning && Date() < deadline { usleep(5_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    deinit { stop() }
}
