import ArgumentParser
import Testing
@testable import complex_repl

/// `QuickArguments` reads the everyday invocations without ArgumentParser, for a short
/// start-up; wherever it accepts arguments, ArgumentParser must read the same command,
/// and wherever it is unsure, it must decline.
@Suite struct QuickArgumentsTests {
    static func summary(_ c: ComplexREPLCommand) -> [String] {
        [c.expression.joined(separator: "\u{1}"), c.backendOptions.backend, c.backendOptions.socket ?? "∅", c.backendOptions.url ?? "∅", c.backendOptions.library ?? "∅",
         c.demoOperation?.rawValue ?? "∅", c.arg1 ?? "∅", c.arg2 ?? "∅", c.files.joined(separator: "\u{1}"), String(c.window), String(c.threads)]
    }

    @Test(arguments: [
        [],
        ["-e", "1+1"],
        ["-e", "-1+2j", "--expression", "-2**2", "-e", "x"],
        ["--expression=-1+2j"],
        ["--backend", "ipc", "--socket", "/tmp/s.sock", "a.txt"],
        ["--backend=http", "--url=http://127.0.0.1:1", "-"],
        ["--backend", "ffi", "--library", "./lib.so", "-e", "2"],
        ["--add", "--arg1", "1+3j", "--arg2", "-5j"],
        ["--mul", "--arg2=-1", "--arg1", "(1-2j)", "--backend", "local"],
        ["a.txt", "-", "b.txt"],
        ["--window", "1", "a.txt"],
        ["--window=512", "--backend", "ipc"],
        ["--threads", "1", "a.txt"],
        ["--threads=8", "--window", "300"],
    ])
    func agreesWithArgumentParser(_ arguments: [String]) throws {
        let quick = try #require(QuickArguments.command(from: arguments))
        let parsed = try ComplexREPLCommand.parse(arguments)
        #expect(Self.summary(quick) == Self.summary(parsed))
    }

    @Test(arguments: [
        ["--help"], ["-h"], ["--version"], ["-e"], ["--backend"], ["--backend", "-e"],
        ["--backend", "ipc", "--backend", "http"], ["--add", "--sub"], ["--", "-x"], ["--bogus"],
        ["--generate-completion-script", "bash"], ["-x.txt"], ["--add=1"],
        ["--window", "0"], ["--window", "many"], ["--threads", "0"], ["--threads", "9"], ["--threads", "two"],
    ])
    func declinesWhatItDoesNotKnow(_ arguments: [String]) {
        #expect(QuickArguments.command(from: arguments) == nil)
    }
}
