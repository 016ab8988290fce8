import Foundation
import Testing
import TestSupport

/// Every backend must print exactly what `local` prints: results, errors and the exit
/// status, on the oracle's random arithmetic, on its functions and powers, on its
/// programs of user functions, and on a
/// program of assignments, errors and meta-commands, in windows of the default size
/// and of 3 lines (a window boundary falls between most dependent lines).
enum BackendIdentity {
    /// Lines that read variables, `ans` and `_` set by the lines before them, lines
    /// that fail (and so set nothing), and meta-commands that change the display.
    static func program(seed: UInt64, lines: Int) -> String {
        var state = seed
        func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(bound))
        }
        let operands = ["x", "y", "ans", "_", "(1+2j)", "2.5", "-3j", "0", "1e308", "nope"]
        func expression(_ depth: Int) -> String {
            if depth == 0 || next(3) == 0 { return operands[next(operands.count)] }
            switch next(6) {
            case 0: return "sqrt(\(expression(depth - 1)))"
            case 1: return "log(\(expression(depth - 1)))"
            case 2: return "(\(expression(depth - 1)) / \(expression(depth - 1)))"
            case 3: return "(\(expression(depth - 1)) ** 2)"
            default: return "(\(expression(depth - 1)) \(["+", "-", "*"][next(3)]) \(expression(depth - 1)))"
            }
        }
        var text = "x = 1+1j\ny = 2\n"
        for _ in 0..<lines {
            switch next(20) {
            case 0: text += ":precision \(1 + next(17))\n"
            case 1: text += [":polar", ":rect", ":precision", ":vars"][next(4)] + "\n"
            case 2: text += "(1 +\n"
            case 3: text += "# comment\n\n"
            case 4, 5, 6: text += "\(["x", "y"][next(2)]) = \(expression(3))\n"
            default: text += expression(4) + "\n"
            }
        }
        return text
    }

    /// Generates the oracle's two corpora (seeded) and `extra` files, runs each through
    /// `local` and through the backend chosen by `backendArguments`, and expects them
    /// byte-identical.
    static func expectIdenticalToLocal(
        _ backendArguments: [String], in directory: TemporaryDirectory,
        exact: (lines: Int, seed: Int), functions: (lines: Int, seed: Int), extra: [String] = []
    ) throws {
        let repl = ProcessRunner.product("complex-repl")
        let expected = directory.path + "/expected.txt"
        var files: [String] = []
        // User functions too: their calls expand into the window like any operation.
        let corpora = [("exact", exact.lines, exact.seed), ("functions", functions.lines, functions.seed), ("userfunctions", 1500, exact.seed)]
        for (mode, count, seed) in corpora {
            let file = directory.path + "/\(mode).txt"
            let generated = try ProcessRunner.run("/usr/bin/env", ["python3", OracleTests.oracle, mode, String(count), String(seed), file, expected])
            #expect(generated.status == 0, "\(generated.stderr)")
            files.append(file)
        }
        let program = directory.path + "/program.txt"
        try Self.program(seed: UInt64(exact.seed), lines: 1500).write(toFile: program, atomically: true, encoding: .utf8)
        for file in files + [program] + extra {
            let local = try ProcessRunner.run(repl, ["--window", "1", file])
            #expect(!local.stdout.isEmpty)
            for window in [[], ["--window", "3"]] {
                let other = try ProcessRunner.run(repl, backendArguments + window + [file], timeout: 120)
                #expect(other.stdout == local.stdout, "\(backendArguments + window) on \(file)")
                #expect(other.stderr == local.stderr, "\(backendArguments + window) on \(file)")
                #expect(other.status == local.status)
            }
        }
    }
}
