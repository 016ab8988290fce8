import Foundation
import Testing
import TestSupport

/// The original demo's own code as a peer (`../shared/seed-demo`, used from there and
/// never copied): its Python caller against our library, and our CLI against its Rust
/// library, built offline by the helper beside it.
@Suite(.serialized) struct SeedDemoTests {
    static let seedDemo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/seed-demo").path
    static let available = FileManager.default.fileExists(atPath: seedDemo + "/build-callee")
    let repl = ProcessRunner.product("complex-repl")

    /// The demo's Rust `libcomplex.so`, built once (cargo, offline, against Debian's
    /// num-complex; the helper installs what it lacks).
    static let buildDirectory = NSTemporaryDirectory() + "complex-repl-seed-demo-\(getpid())"

    static let rustLibrary: Swift.Result<String, any Error> = Swift.Result {
        // Built once for the whole test process, and removed when it exits.
        atexit { try? FileManager.default.removeItem(atPath: SeedDemoTests.buildDirectory) }
        let run = try ProcessRunner.run(seedDemo + "/build-callee", [buildDirectory], timeout: 900)
        guard run.status == 0 else { throw BuildFailure(log: run.stderr) }
        return run.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    struct BuildFailure: Error, CustomStringConvertible {
        var log: String
        var description: String { "seed-demo/build-callee failed:\n\(log)" }
    }

    @Test(.enabled(if: available, "../shared/seed-demo is not beside the repository"))
    func theDemosPythonCallerUsesOurLibrary() throws {
        let library = ProcessRunner.product("libComplexFFI.so")
        let run = try ProcessRunner.run(Self.seedDemo + "/run-caller", [library, "--add", "--arg1", "1+3j", "--arg2", "-5j"], timeout: 300)
        #expect(run.stdout == "(1-2j)\n", "\(run.stderr)")
        let product = try ProcessRunner.run(Self.seedDemo + "/run-caller", [library, "--mul", "--arg1", "(1.5-2j)", "--arg2", "0.25+3j"], timeout: 300)
        #expect(product.stdout == "(6.375+4j)\n", "\(product.stderr)")
    }

    @Test(.enabled(if: available, "../shared/seed-demo is not beside the repository"))
    func theDemosCommandRunsOnTheDemosRustLibrary() throws {
        let library = try Self.rustLibrary.get()
        let run = try ProcessRunner.run(repl, ["--backend", "ffi", "--library", library, "--add", "--arg1", "1+3j", "--arg2", "-5j"])
        #expect(run.stdout == "(1-2j)\n", "\(run.stderr)")
        #expect(run.status == 0)
        // The demo's own caller prints the same.
        let python = try ProcessRunner.run(Self.seedDemo + "/run-caller", [library, "--sub", "--arg1", "1+3j", "--arg2", "-5j"], timeout: 300)
        let ours = try ProcessRunner.run(repl, ["--backend", "ffi", "--library", library, "--sub", "--arg1", "1+3j", "--arg2", "-5j"])
        #expect(python.stdout == "(1+8j)\n" && ours.stdout == python.stdout, "\(python.stderr)")
    }

    /// add, sub and mul of complex numbers on the Rust library, byte for byte as local.
    @Test(.enabled(if: available, "../shared/seed-demo is not beside the repository"))
    func theRustLibraryIsByteIdenticalToLocal() throws {
        let library = try Self.rustLibrary.get()
        var generator = SystemRandomNumberGenerator()
        let parts = ["0", "1", "2.5", "1e-300", "7e307", "0.1", "3", "1e16", "123.456"]
        func number() -> String {
            "(\(parts.randomElement(using: &generator)!)\(Bool.random(using: &generator) ? "+" : "-")\(parts.randomElement(using: &generator)!)j)"
        }
        let lines = (0..<2000).map { _ in "\(number()) \(["+", "-", "*"].randomElement(using: &generator)!) \(number())" }
        let directory = try TemporaryDirectory()
        let corpus = directory.path + "/corpus.txt"
        try (lines.joined(separator: "\n") + "\n").write(toFile: corpus, atomically: true, encoding: .utf8)
        let local = try ProcessRunner.run(repl, [corpus])
        let rust = try ProcessRunner.run(repl, ["--backend", "ffi", "--library", library, corpus])
        #expect(local.stdout.split(separator: "\n").count == 2000)
        #expect(rust.stdout == local.stdout)
        #expect(rust.stderr == local.stderr && rust.status == 0)
    }
}
