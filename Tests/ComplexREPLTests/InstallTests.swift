import Foundation
import Testing
import TestSupport

/// The tools as `scripts/install` lays them out: `scripts/test` installs into a
/// temporary prefix before the suite runs (a nested `swift build` would wait on the
/// suite's own build lock) and names it in COMPLEX_REPL_TEST_PREFIX.
@Suite struct InstallTests {
    static let prefix = ProcessInfo.processInfo.environment["COMPLEX_REPL_TEST_PREFIX"]
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    @Test(.enabled(if: prefix != nil, "run through scripts/test, which installs into a temporary prefix first"))
    func theInstalledToolsRunFromTheirPrefix() throws {
        let prefix = Self.prefix!
        let repl = prefix + "/bin/complex-repl", server = prefix + "/bin/complex-server"
        let version = try ProcessRunner.run(repl, ["--version"])
        #expect(version.status == 0 && version.stdout.split(separator: ".").count == 3, "\(version.stdout)")
        #expect(try ProcessRunner.run(server, ["--version"]).stdout == version.stdout)
        #expect(try ProcessRunner.run(repl, ["-e", "-1+2j"]).stdout == "(-1+2j)\n")

        // The ffi backend finds the bundled library in PREFIX/lib ...
        let ffi = try ProcessRunner.run(repl, ["--backend", "ffi", "-e", "sqrt(-4)", "-e", "acos(0j)"])
        #expect(ffi.stdout == "2j\n(1.5707963267948966-0j)\n", "\(ffi.stderr)")
        // ... and ipc starts the complex-server installed beside it, on a private socket.
        let runtime = try TemporaryDirectory()
        var environment = ProcessInfo.processInfo.environment
        environment["XDG_RUNTIME_DIR"] = runtime.path
        let ipc = try ProcessRunner.run(repl, ["--backend", "ipc", "--add", "--arg1", "1+3j", "--arg2", "-5j"], environment: environment)
        #expect(ipc.stdout == "(1-2j)\n", "\(ipc.stderr)")
        #expect(ipc.stderr.contains("started complex-server on \(runtime.path)/complex-repl.sock"))
        if let pid = ipc.stderr.split(separator: "(pid ").last?.prefix(while: \.isNumber), let number = Int32(pid) {
            kill(number, SIGTERM)
        }

        // The C header compiles a library that the installed REPL loads.
        let library = runtime.path + "/libdemo.so"
        let cc = try ProcessRunner.run("/usr/bin/env", ["cc", "-shared", "-fPIC", "-I", prefix + "/include/complex-repl",
                                                         "-o", library, Self.root + "/examples/ffi/demo_compute.c"])
        #expect(cc.status == 0, "\(cc.stderr)")
        #expect(try ProcessRunner.run(repl, ["--backend", "ffi", "--library", library, "-e", "(1+3j) - 5j * 2"]).stdout == "(1-7j)\n")

        // Man pages, through man itself.
        environment["MANPATH"] = prefix + "/share/man"
        environment["MANPAGER"] = "cat"
        environment["MANWIDTH"] = "100"
        for tool in ["complex-repl", "complex-server"] {
            let page = try ProcessRunner.run("/usr/bin/env", ["man", tool], environment: environment)
            #expect(page.status == 0 && page.stdout.contains("--version"), "\(tool): \(page.stderr)")
            // The synopsis names what the tool takes: no subcommand neither tool has.
            #expect(!page.stdout.contains("subcommand"), "\(tool): \(page.stdout)")
        }
        #expect(try ProcessRunner.run("/usr/bin/env", ["man", "complex-repl"], environment: environment).stdout.contains("complex-repl plot EXPR"))
        #expect(try ProcessRunner.run("/usr/bin/env", ["man", "complex-repl"], environment: environment).stdout.contains("--arg1"))

        // Completions: bash registers them; zsh and fish files are where those shells look.
        let bash = try ProcessRunner.run("/bin/bash", ["-c", "source \(prefix)/share/bash-completion/completions/complex-repl && complete -p complex-repl"])
        #expect(bash.status == 0 && bash.stdout.contains("complex-repl"), "\(bash.stderr)")
        for file in ["share/zsh/site-functions/_complex-repl", "share/fish/vendor_completions.d/complex-repl.fish",
                     "share/zsh/site-functions/_complex-server", "share/bash-completion/completions/complex-server"] {
            let text = try String(contentsOfFile: prefix + "/" + file, encoding: .utf8)
            #expect(text.contains("--backend") || text.contains("--socket"), "\(file)")
        }
    }
}
