import Foundation
import Testing
import TestSupport

/// The REPL on a real pseudo-terminal with real libedit, typed at like a person.
@Suite(.serialized) struct InteractiveTests {
    let repl = ProcessRunner.product("complex-repl")

    func launch(history: String, environment extra: [String: String] = [:]) throws -> PseudoTerminal {
        try PseudoTerminal(repl, [], environment: [
            "TERM": "xterm", "HOME": "/nonexistent", "COMPLEX_REPL_HISTORY": history, "LANG": "C.UTF-8",
            "PATH": "/usr/bin:/bin",
        ].merging(extra) { $1 })
    }

    func start(history: String) throws -> PseudoTerminal {
        let terminal = try launch(history: history)
        try terminal.expect(">>> ")
        return terminal
    }

    @Test func editingHistorySearchCompletionAndInterrupt() throws {
        let directory = try TemporaryDirectory()
        let history = directory.path + "/state/history"
        let terminal = try start(history: history)

        terminal.send("(1+3j) - 5j * 2\r")
        try terminal.expect("(1-7j)")

        // Arrow keys: type 12+1, move left twice, insert 0: 120+1.
        terminal.send("12+1")
        terminal.send("\u{1B}[D\u{1B}[D")
        terminal.send("0\r")
        try terminal.expect("121")

        // Tab completes a function name with its parenthesis.
        terminal.send("sqr\t")
        terminal.send("16)\r")
        try terminal.expect("\n4\r")
        // ... and the functions of two arguments, and cmath's other names.
        terminal.send("comp\t")
        terminal.send("1, nan) + rec\t")
        terminal.send("2, 0) * ph\t")
        terminal.send("-1)\r")
        try terminal.expect("(7.283185307179586+nanj)")

        // Ctrl-R finds an earlier line; Enter runs it again.
        terminal.send("77*3\r")
        try terminal.expect("231")
        terminal.send("1\r")
        try terminal.expect("\n1\r")
        terminal.send("\u{12}")
        terminal.send("77")
        terminal.send("\r")
        try terminal.expect("231")

        // Ctrl-C drops the line being typed and the REPL goes on.
        terminal.send("2 3 4")
        terminal.send("\u{03}")
        terminal.send("6*7\r")
        let afterInterrupt = try terminal.expect("42")
        #expect(!afterInterrupt.contains("error:"))

        // A parse error shows the line and a caret under the column: `error:` in red
        // and the caret in bold, as clang and swiftc print them.
        terminal.send("1 + * 2\r")
        try terminal.expect("\u{1B}[1;31merror:\u{1B}[0m")
        try terminal.expect("  1 + * 2\r\n      \u{1B}[1m^\u{1B}[0m")

        // Ctrl-D leaves with status 0.
        terminal.send("\u{04}")
        #expect(terminal.waitForExit() == 0)

        // History was saved (0600) and survives a restart: ↑ recalls the last line.
        let saved = try String(contentsOfFile: history, encoding: .utf8)
        #expect(saved.contains("77*3"))
        let mode = try FileManager.default.attributesOfItem(atPath: history)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let second = try start(history: history)
        second.send("\u{1B}[A\r")
        try second.expect(">>> 1 + * 2")  // the last line typed, recalled
        try second.expect("error:")
        second.send(":quit\r")
        #expect(second.waitForExit() == 0)
    }

    @Test func variablesCompleteAndMetaCommandsAnswer() throws {
        let terminal = try start(history: "")
        terminal.send("zeta = 2+2j\r")
        terminal.send("ze\t")
        terminal.send(" * 2\r")
        try terminal.expect("(4+4j)")
        terminal.send(":backend\r")
        try terminal.expect("backend: local (in-process)")
        terminal.send(":backend nowhere\r")
        try terminal.expect("unknown backend 'nowhere'; available: local")
        terminal.send(":precision 3\r")
        terminal.send("1/3\r")
        try terminal.expect("0.333")
        terminal.send("\u{04}")
        #expect(terminal.waitForExit() == 0)
    }

    /// Colour where people expect it, and nowhere else: not with NO_COLOR set (to
    /// anything but the empty string), not on a dumb terminal, never in pipe mode.
    @Test(arguments: [
        (["TERM": "xterm"], [], true),
        (["TERM": "xterm", "NO_COLOR": ""], [], true),
        (["TERM": "xterm", "NO_COLOR": "1"], [], false),
        (["TERM": "dumb"], [], false),
        (["TERM": "xterm"], ["-"], false),
    ])
    func errorsAreColouredOnlyWherePeopleExpectIt(_ environment: [String: String], _ arguments: [String], _ coloured: Bool) throws {
        let terminal = try PseudoTerminal(repl, arguments, environment: environment.merging([
            "HOME": "/nonexistent", "COMPLEX_REPL_HISTORY": "", "LANG": "C.UTF-8", "PATH": "/usr/bin:/bin",
        ]) { a, _ in a })
        if arguments.isEmpty { try terminal.expect(">>> ") }
        terminal.send("1/0\r")
        try terminal.expect("division by zero")
        terminal.send("\u{04}")
        _ = terminal.waitForExit()
        #expect(terminal.transcript.contains("\u{1B}[1;31merror:") == coloured, "\(terminal.transcript)")
        #expect(terminal.transcript.contains("error:"))
    }

    /// A user's functions: defined at the prompt or in the startup file (whose errors
    /// are reported and do not stop the session), completed with Tab, listed by :vars,
    /// kept in history as typed.
    @Test func userFunctionsFromThePromptAndTheStartupFile() throws {
        let directory = try TemporaryDirectory()
        let startup = directory.path + "/startup", history = directory.path + "/history"
        try "# my functions\nsquare(z) = z*z\noops(z) = z +\nbase = 10\n".write(toFile: startup, atomically: true, encoding: .utf8)
        let terminal = try launch(history: history, environment: ["COMPLEX_REPL_STARTUP": startup])
        try terminal.expect("\(startup):3:14: error: incomplete expression")
        try terminal.expect(">>> ")
        terminal.send("squ\t")
        terminal.send("3j) + base\r")
        try terminal.expect("(1+0j)")
        terminal.send("double(z)  =  2*z   # twice\r")
        try terminal.expect(">>> ")
        terminal.send("dou\t")
        terminal.send("square(2))\r")
        try terminal.expect("\n8\r")
        terminal.send("double(1, 2)\r")
        try terminal.expect("double() takes 1 argument, 2 given")
        try terminal.expect("  double(1, 2)\r\n            \u{1B}[1m^")
        terminal.send(":vars\r")
        try terminal.expect("base = 10\r\nans = 8\r\ndouble(z)  =  2*z\r\nsquare(z) = z*z\r\n")
        terminal.send("\u{04}")
        #expect(terminal.waitForExit() == 0)
        let saved = try String(contentsOfFile: history, encoding: .utf8)
        // libedit's history file writes a space as a backslash and 040.
        #expect(saved.replacingOccurrences(of: "\\040", with: " ").contains("double(z)  =  2*z   # twice"), "\(saved)")
        #expect(!saved.contains("square(z)"))  // the startup file's lines are not history
    }

    @Test func aStartupFileThatCannotBeReadIsSaidAndTheSessionStarts() throws {
        let terminal = try launch(history: "", environment: ["COMPLEX_REPL_STARTUP": "/nonexistent/startup"])
        try terminal.expect("cannot read the startup file '/nonexistent/startup'")
        try terminal.expect(">>> ")
        terminal.send("1+1\r")
        try terminal.expect("\n2\r")
        terminal.send("\u{04}")
        #expect(terminal.waitForExit() == 0)
    }
}
