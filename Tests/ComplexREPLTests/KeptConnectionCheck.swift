import Foundation
import Testing
import TestSupport

/// The check the `ipc` and `http` backends share: a session whose kept connection the
/// server closes while the user pauses.
enum KeptConnectionCheck {
    /// The server's idle timeout, short enough for a test to outwait.
    static let idleTimeout = ["--idle-timeout", "0.3"]

    /// Evaluates `1+1`, waits well past `idleTimeout`, then `2+2`: both must answer, with
    /// no error between them.
    static func survivesTheServersIdleTimeout(repl: String, backendArguments: [String]) throws {
        let terminal = try PseudoTerminal(repl, backendArguments + ["-"], environment: ["TERM": "dumb"])
        terminal.send("1+1\n")
        try terminal.expect("\n2\r\n")
        usleep(1_000_000)  // the server closes the kept connection meanwhile
        terminal.send("2+2\n")
        try terminal.expect("\n4\r\n")
        terminal.send("\u{04}")
        #expect(terminal.waitForExit() == 0)
    }
}
