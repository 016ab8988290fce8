import Foundation
import Testing
import TestSupport

/// `complex-repl plot` and `:plot`: mpmath's colouring to the pixel, PNG files Pillow
/// reads, pictures in a real terminal, every operation on the backend.
@Suite struct PlotTests {
    static let repl = ProcessRunner.product("complex-repl")
    static let oracle = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Oracle/plot_oracle.py").path
    static let expression = "(z**2-1)/(z**2+1)"

    /// The summary line's points, operations and backend.
    func summary(_ stderr: String) -> (points: String, operations: Int, backend: String)? {
        guard let line = stderr.split(separator: "\n").last(where: { $0.contains(" points, ") }) else { return nil }
        let words = line.split(separator: " ")
        guard words.count >= 9, words[1] == "points,", let operations = Int(words[2]), words[3] == "operations",
              words[8] == "s", line.hasSuffix(" operations/s)") else { return nil }
        return (String(words[0]), operations, String(words[5]))
    }

    @Test func aPlotMatchesMpmathsColouringPixelByPixel() throws {
        let directory = try TemporaryDirectory()
        let png = directory.path + "/plot.png"
        let run = try ProcessRunner.run(Self.repl, ["plot", Self.expression, "--size", "400x400", "--output", png], timeout: 60)
        #expect(run.status == 0, "\(run.stderr)")
        let line = summary(run.stderr)
        #expect(line?.points == "400×400" && line?.operations == 5 * 160_000 && line?.backend == "local", "\(run.stderr)")
        let check = try ProcessRunner.run("/usr/bin/env", ["python3", Self.oracle, png, Self.expression, "-2-2j", "2+2j"], timeout: 300)
        #expect(check.status == 0, "\(check.stdout) \(check.stderr)")
        #expect(check.stdout.contains("pixels=160000"))
    }

    /// Errors are grey (NaN), infinities white, and a region that is not a square keeps
    /// its pixels where the formula puts them.
    @Test(arguments: [("1/z", "-1-1j", "1+1j", "5x5"), ("log(z) * sqrt(z) / (z - 0.5)", "-1-0.5j", "1+0.5j", "40x20"),
                      ("exp(1/z**2) + conj(z)", "-3-2j", "1+2j", "33x17")])
    func failuresInfinitiesAndOddRegionsMatchToo(expression: String, from: String, to: String, size: String) throws {
        let directory = try TemporaryDirectory()
        let png = directory.path + "/plot.png"
        let run = try ProcessRunner.run(Self.repl, ["plot", expression, "--from", from, "--to", to, "--size", size, "--output", png])
        #expect(run.status == 0, "\(run.stderr)")
        let check = try ProcessRunner.run("/usr/bin/env", ["python3", Self.oracle, png, expression, from, to])
        #expect(check.status == 0, "\(check.stdout) \(check.stderr)")
    }

    @Test func overIPCEveryOperationGoesToTheServerAndThePictureIsTheSame() throws {
        let directory = try TemporaryDirectory()
        let socket = directory.path + "/s.sock"
        let server = try ServerProcess(["--socket", socket, "--no-http"], socketPath: socket, in: directory)
        defer { server.stop() }
        let local = directory.path + "/local.png", ipc = directory.path + "/ipc.png"
        let first = try ProcessRunner.run(Self.repl, ["plot", Self.expression, "--size", "120x80", "--output", local])
        // The backend options may come before `plot` or after it.
        let second = try ProcessRunner.run(Self.repl, ["--backend", "ipc", "--socket", socket, "plot", Self.expression, "--size", "120x80", "--output", ipc], timeout: 60)
        #expect(first.status == 0 && second.status == 0, "\(first.stderr) \(second.stderr)")
        #expect(summary(second.stderr)?.backend == "ipc")
        #expect(summary(second.stderr)?.operations == 5 * 120 * 80)
        #expect(try Data(contentsOf: URL(fileURLWithPath: local)) == Data(contentsOf: URL(fileURLWithPath: ipc)))
        let metrics = try ProcessRunner.run(Self.repl, ["plot", "z", "--backend", "ipc", "--socket", socket, "--size", "2x2", "--output", ipc])
        #expect(summary(metrics.stderr)?.operations == 0)  // z alone is no operation
    }

    @Test func aServerLostInTheMiddleIsAnErrorAndLeavesNoFile() throws {
        let directory = try TemporaryDirectory()
        let socket = directory.path + "/s.sock"
        let server = try ServerProcess(["--socket", socket, "--no-http"], socketPath: socket, in: directory)
        let png = directory.path + "/lost.png"
        defer { server.stop(signal: SIGKILL) }
        let pid = server.process.processIdentifier
        Thread { usleep(700_000); kill(pid, SIGKILL) }.start()
        let run = try ProcessRunner.run(Self.repl, ["plot", "sqrt(z)*exp(z)/sin(z)", "--backend", "ipc", "--socket", socket, "--size", "2000x2000", "--output", png], timeout: 120)
        #expect(run.status == 1, "\(run.stderr)")
        #expect(run.stderr.contains("complex-repl: plot: the backend failed, so no picture was made"), "\(run.stderr)")
        let left = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasPrefix("lost.png") }
        #expect(left.isEmpty, "\(left)")
    }

    @Test(arguments: [
        (["plot", "w", "--output", "OUT"], "name 'w' is not defined"),
        (["plot", "g(z)", "--output", "OUT"], "unknown function 'g'"),
        (["plot", "z +", "--output", "OUT"], "incomplete expression"),
        (["plot", "z", "--from", "1", "--to", "-1", "--output", "OUT"], "the first corner (1+0j; --from) must be below and to the left of the second (-1+0j; --to)"),
        (["plot", "z", "--size", "0x5", "--output", "OUT"], "the size must be from 1x1 to 4096x4096"),
        (["plot", "z", "--size", "big", "--output", "OUT"], "a size is WIDTHxHEIGHT"),
        (["plot", "z", "--from", "1+", "--output", "OUT"], "--from"),
        (["plot", "z", "--output", "/nonexistent/dir/x.png"], "cannot write '/nonexistent/dir/x.png'"),
        (["plot", "z"], "the output is not a terminal"),
    ])
    func badInputIsAClearError(arguments: [String], message: String) throws {
        let directory = try TemporaryDirectory()
        let run = try ProcessRunner.run(Self.repl, arguments.map { $0 == "OUT" ? directory.path + "/x.png" : $0 })
        #expect(run.status != 0)
        #expect(run.stderr.contains(message), "\(run.stderr)")
        #expect(run.stdout.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: directory.path + "/x.png"))
    }

    func terminal(_ arguments: [String], environment extra: [String: String] = [:]) throws -> PseudoTerminal {
        try PseudoTerminal(Self.repl, arguments, environment: [
            "TERM": "xterm-256color", "HOME": "/nonexistent", "COMPLEX_REPL_HISTORY": "", "LANG": "C.UTF-8", "PATH": "/usr/bin:/bin",
        ].merging(extra) { $1 })
    }

    /// On an 80×24 terminal a square region is 42×42 pixels: 21 lines of 42 half blocks
    /// in 24-bit colour, then the caption, then the summary.
    @Test func inATerminalThePictureIsDrawnWithHalfBlocksSizedToTheWindow() throws {
        let pty = try terminal(["plot", Self.expression])
        let text = try pty.expect("operations/s)")
        #expect(pty.waitForExit() == 0)
        let rows = text.split(separator: "\r\n").filter { $0.contains("▀") }
        #expect(rows.count == 21, "\(rows.count) rows")
        let widths = rows.map { $0.unicodeScalars.filter { $0 == "▀" }.count }
        #expect(widths.allSatisfy { $0 == 42 }, "\(widths)")
        #expect(text.contains("\u{1B}[38;2;") && text.contains("\u{1B}[48;2;"))
        #expect(text.contains("\(Self.expression) over -2-2j … 2+2j on local"))
        #expect(text.contains("42×42 points, \(5 * 42 * 42) operations on local"))
    }

    @Test(arguments: [["NO_COLOR": "1"], ["TERM": "dumb"]])
    func withoutColourItAsksForAFileInsteadOfDrawingNoise(environment: [String: String]) throws {
        let pty = try terminal(["plot", "z"], environment: environment)
        let text = try pty.expect("--output plot.png")
        #expect(text.contains("colour is off"))
        #expect(!text.contains("▀"))
        #expect(pty.waitForExit() == 1)
    }

    @Test func atThePromptPlotUsesTheSessionsFunctionsAndWritesFiles() throws {
        let directory = try TemporaryDirectory()
        let pty = try terminal([])
        try pty.expect(">>> ")
        pty.send("f(z) = (z**2 - 1)/(z**2 + 1)\r")
        try pty.expect(">>> ")
        pty.send(":plot f(z) -1-1j 1+1j\r")
        let drawn = try pty.expect(">>> ")
        #expect(drawn.contains("f(z) over -1-1j … 1+1j on local"))
        #expect(drawn.split(separator: "\r\n").filter { $0.contains("▀") }.count == 21)
        pty.send(":plot f(z) > \(directory.path)/at-prompt.png\r")
        let written = try pty.expect(">>> ")
        #expect(written.contains("512×512 points, \(5 * 512 * 512) operations on local"), "\(written)")
        pty.send(":plot\r")
        try pty.expect("wants an expression in z")
        pty.send(":plot nope(z)\r")
        try pty.expect("unknown function 'nope'")
        let check = try ProcessRunner.run("/usr/bin/env", ["python3", Self.oracle, directory.path + "/at-prompt.png", "(z**2 - 1)/(z**2 + 1)", "-2-2j", "2+2j"], timeout: 300)
        #expect(check.status == 0, "\(check.stdout) \(check.stderr)")
    }

    @Test func thePlotCommandCallsTheStartupFilesFunctions() throws {
        let directory = try TemporaryDirectory()
        let startup = directory.path + "/startup"
        try "f(z) = z**3 - 1\nbroken(z) = \n".write(toFile: startup, atomically: true, encoding: .utf8)
        var environment = ProcessRunner.isolatedEnvironment(in: directory.path)
        environment["COMPLEX_REPL_STARTUP"] = startup
        let png = directory.path + "/f.png"
        let run = try ProcessRunner.run(Self.repl, ["plot", "f(z)", "--size", "30x20", "--output", png], environment: environment)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("\(startup):2:12: error: expected the body of broken after '='"), "\(run.stderr)")
        let check = try ProcessRunner.run("/usr/bin/env", ["python3", Self.oracle, png, "z**3 - 1", "-2-2j", "2+2j"])
        #expect(check.status == 0, "\(check.stdout) \(check.stderr)")
    }
}
