import Foundation
import Testing
import TestSupport

/// complex-repl against CPython (`python3`), the project's oracle.
@Suite struct OracleTests {
    static let oracle = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Oracle/oracle.py").path
    static let repl = ProcessRunner.product("complex-repl")

    /// Runs complex-repl on `exprs` and returns one line per input line, in the
    /// oracle's notation: the printed result, or `ERROR <kind>` for a failed line.
    func replResults(_ exprs: String, lines: Int, arguments: [String] = [], silent: Set<Int> = []) throws -> [String] {
        let run = try ProcessRunner.run(Self.repl, arguments + [exprs], timeout: 120)
        var failures: [Int: String] = [:]
        for line in run.stderr.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 4)
            guard parts.count == 5, let number = Int(parts[1]) else {
                Issue.record("unexpected stderr line: \(line)")
                continue
            }
            let message = parts[4]
            let kind = message.contains("division by zero") || message.contains("zero cannot be raised") ? "division"
                : message.contains("domain") ? "domain"
                : message.contains("range error") || message.contains("too large") ? "overflow"
                : message.contains("takes real arguments") || message.contains(" given") ? "type"
                : message.contains("maximum recursion depth") ? "recursion"
                : message.contains("is not defined") || message.contains("unknown function") || message.contains("no value yet") ? "name"
                : "other: \(message)"
            failures[number] = "ERROR \(kind)"
        }
        var printed = run.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast().makeIterator()
        let results = (1...lines).map { failures[$0] ?? (silent.contains($0) ? "-" : printed.next().map(String.init) ?? "MISSING") }
        #expect(printed.next() == nil, "complex-repl printed more lines than expected")
        return results
    }

    /// The oracle's corpus `mode` (its lines, and CPython's answer for each), written in `directory`.
    func corpus(_ mode: String, lines: Int, seed: Int, in directory: TemporaryDirectory) throws -> (path: String, inputs: [String], want: [String]) {
        let exprs = directory.path + "/\(mode).txt", expected = directory.path + "/\(mode)-expected.txt"
        let generated = try ProcessRunner.run("/usr/bin/env", ["python3", Self.oracle, mode, String(lines), String(seed), exprs, expected])
        #expect(generated.status == 0, "\(generated.stderr)")
        let want = try String(contentsOfFile: expected, encoding: .utf8).split(separator: "\n").map(String.init)
        let inputs = try String(contentsOfFile: exprs, encoding: .utf8).split(separator: "\n").map(String.init)
        return (exprs, inputs, want)
    }

    @Test func arithmeticAgreesWithCPythonToTheBit() throws {
        let directory = try TemporaryDirectory()
        let (exprs, inputs, want) = try corpus("exact", lines: 6000, seed: 20261124, in: directory)
        let got = try replResults(exprs, lines: want.count)
        let mismatches = zip(inputs, zip(want, got)).filter { $1.0 != $1.1 }
        #expect(mismatches.isEmpty, "\(mismatches.count) of \(want.count) differ, e.g. \(mismatches.prefix(5).map { "\($0.0) → CPython \($0.1.0), complex-repl \($0.1.1)" })")
        // The corpus must exercise the hard cases, or agreement proves little.
        #expect(want.filter { $0.hasPrefix("ERROR") }.count > 50)
        #expect(want.filter { $0.contains("inf") || $0.contains("nan") }.count > 50)
        #expect(want.filter { $0.hasPrefix("(") }.count > 1000)
    }

    /// Every function and `**` (integer, fractional and complex exponents) on ordinary,
    /// tiny, huge, subnormal, signed-zero, infinite and NaN arguments, plus every
    /// function on every pair of the kinds cmath's special-value tables tell apart:
    /// the same repr as CPython's, bit for bit, and the same errors.
    @Test func functionsAndPowersAgreeWithCPythonToTheBit() throws {
        let directory = try TemporaryDirectory()
        let (exprs, inputs, want) = try corpus("functions", lines: 12000, seed: 7, in: directory)
        let got = try replResults(exprs, lines: want.count)
        let mismatches = zip(inputs, zip(want, got)).filter { $1.0 != $1.1 }
        #expect(mismatches.isEmpty, "\(mismatches.count) of \(want.count) differ, e.g. \(mismatches.prefix(5).map { "\($0.0) → CPython \($0.1.0), complex-repl \($0.1.1)" })")
        // Every function, every kind of error and the special values must be exercised.
        let called = Set(inputs.compactMap { $0.split(separator: "(").first.map(String.init) })
        #expect(called.isSuperset(of: ["asinh", "acosh", "atanh", "phase", "rect", "complex", "log", "tan", "tanh", "atan"]))
        for kind in ["ERROR domain", "ERROR overflow", "ERROR division"] {
            #expect(want.filter { $0 == kind }.count > 20, "\(kind)")
        }
        #expect(want.filter { $0.contains("nan") }.count > 1000)
        #expect(inputs.filter { $0.contains("**") }.count > 1500)
    }

    /// Programs of user functions as Python runs them: each definition a `def` (a
    /// lambda), looked up when called, its globals read when called, globals reassigned
    /// between calls, recursion without end, calls of functions not yet defined and with
    /// the wrong number of arguments; on `local` and over `ipc`, in windows and line by line.
    @Test func userFunctionsAgreeWithCPython() throws {
        let directory = try TemporaryDirectory()
        let (exprs, inputs, want) = try corpus("userfunctions", lines: 3000, seed: 24, in: directory)
        let silent = Set(want.indices.filter { want[$0] == "-" }.map { $0 + 1 })
        let socket = directory.path + "/ipc.sock"
        let server = try ServerProcess(["--socket", socket, "--no-http"], socketPath: socket, in: directory)
        defer { server.stop() }
        for arguments in [[], ["--window", "1"], ["--backend", "ipc", "--socket", socket], ["--backend", "ipc", "--socket", socket, "--window", "7"]] {
            let got = try replResults(exprs, lines: want.count, arguments: arguments, silent: silent)
            let mismatches = zip(inputs, zip(want, got)).filter { $1.0 != $1.1 }
            #expect(mismatches.isEmpty, "\(arguments): \(mismatches.count) of \(want.count) differ, e.g. \(mismatches.prefix(5).map { "\($0.0) → CPython \($0.1.0), complex-repl \($0.1.1)" })")
        }
        // The corpus must exercise what user functions can do, or agreement proves little.
        #expect(inputs.filter { $0.contains(") = ") }.count > 400)
        for kind in ["ERROR recursion", "ERROR name", "ERROR type", "ERROR division"] {
            #expect(want.filter { $0 == kind }.count >= 3, "\(kind)")
        }
        #expect(want.filter { $0.hasPrefix("(") }.count > 300)
    }
}
