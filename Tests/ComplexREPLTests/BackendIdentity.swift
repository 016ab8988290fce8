import Foundation
import Testing
import TestSupport

/// Every backend must print exactly what `local` prints: results, errors and the exit
/// status, on the oracle's random arithmetic and on its functions and powers.
enum BackendIdentity {
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
        for (mode, count, seed) in [("exact", exact.lines, exact.seed), ("functions", functions.lines, functions.seed)] {
            let file = directory.path + "/\(mode).txt"
            let generated = try ProcessRunner.run("/usr/bin/env", ["python3", OracleTests.oracle, mode, String(count), String(seed), file, expected])
            #expect(generated.status == 0, "\(generated.stderr)")
            files.append(file)
        }
        for file in files + extra {
            let local = try ProcessRunner.run(repl, [file])
            let other = try ProcessRunner.run(repl, backendArguments + [file], timeout: 120)
            #expect(!local.stdout.isEmpty)
            #expect(other.stdout == local.stdout, "\(backendArguments) on \(file)")
            #expect(other.stderr == local.stderr, "\(backendArguments) on \(file)")
            #expect(other.status == local.status)
        }
    }
}
