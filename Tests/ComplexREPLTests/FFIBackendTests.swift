import Foundation
import Testing
import TestSupport

/// The REPL with `--backend ffi`: the bundled library and foreign C libraries.
@Suite struct FFIBackendTests {
    let repl = ProcessRunner.product("complex-repl")
    static let header = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Modules/CComplexABI").path
    static let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("examples/ffi/demo_compute.c").path

    /// Builds a shared library from C source with the README's one-line command.
    func buildLibrary(_ source: String, in directory: TemporaryDirectory, name: String) throws -> String {
        let output = directory.path + "/" + name
        let run = try ProcessRunner.run("/usr/bin/env", ["cc", "-shared", "-fPIC", "-O2", "-I", Self.header, "-o", output, source])
        #expect(run.status == 0, "\(run.stderr)")
        return output
    }

    @Test func theBundledLibraryIsByteIdenticalToLocal() throws {
        let directory = try TemporaryDirectory()
        // Mixed real and complex operands, which the ABI carries as complex pairs.
        let mixed = directory.path + "/mixed.txt"
        try "complex(1, complex(-0.0, 2))\ncomplex(-0.0, complex(-0.0, -0.0))\ncomplex(complex(1, 2), -0.0)\ncomplex(-0.0)\nlog(8j, 2)\nrect(2, 1j)\n"
            .write(toFile: mixed, atomically: true, encoding: .utf8)
        let mixedLocal = try ProcessRunner.run(repl, [mixed])
        #expect(mixedLocal.stdout == "(-1-0j)\n-0j\n(1+2j)\n(-0+0j)\n(3+2.266180070913597j)\n")
        try BackendIdentity.expectIdenticalToLocal(["--backend", "ffi"], in: directory,
                                                   exact: (4000, 5), functions: (2000, 6), extra: [mixed])
    }

    @Test func theDemosCLibraryPlugsIn() throws {
        let directory = try TemporaryDirectory()
        let library = try buildLibrary(Self.example, in: directory, name: "libdemo.so")
        let run = try ProcessRunner.run(repl, ["--backend", "ffi", "--library", library], input: "(1+3j) + 0 - 5j\n(1+3j) - 5j * 2\n2.5 * 4\n1/2\nsqrt(4)\n-1\n")
        #expect(run.stdout == "(1-2j)\n(1-7j)\n10\n")
        #expect(run.stderr.contains("<stdin>:6:1: error: ffi: \(library) has only the demo's compute (add, sub, mul); it cannot do unary -"))
        #expect(run.stderr.contains("<stdin>:4:2: error: ffi: \(library) has only the demo's compute (add, sub, mul); it cannot do /"))
        #expect(run.stderr.contains("<stdin>:5:1: error: ffi: \(library) has only the demo's compute (add, sub, mul); it cannot do sqrt()"))
        #expect(run.status == 1)
    }

    @Test func badLibrariesAreClearErrorsNotCrashes() throws {
        let directory = try TemporaryDirectory()
        let text = directory.path + "/notes.txt"
        try "not a library".write(toFile: text, atomically: true, encoding: .utf8)
        let emptySource = directory.path + "/empty.c"
        try "int nothing_here = 1;\n".write(toFile: emptySource, atomically: true, encoding: .utf8)
        let empty = try buildLibrary(emptySource, in: directory, name: "libempty.so")
        let cases: [(String, String)] = [
            (directory.path + "/missing.so", "no such file"),
            (text, "is not a loadable shared library"),
            (empty, "exports neither complex_apply nor compute"),
        ]
        for (path, message) in cases {
            let run = try ProcessRunner.run(repl, ["--backend", "ffi", "--library", path, "-e", "1+1"])
            #expect(run.status != 0 && run.status < 128, "\(path) crashed or succeeded: \(run.status)")
            #expect(run.stderr.contains(message), "\(run.stderr)")
            // The same through :backend in a running session: an error, and the session goes on.
            let live = try ProcessRunner.run(repl, [], input: ":backend ffi \(path)\n2*3\n")
            #expect(live.stdout == "6\n")
            #expect(live.stderr.contains(message))
        }
    }
}
