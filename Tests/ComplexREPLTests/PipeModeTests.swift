import Foundation
import Testing
import TestSupport

/// The built `complex-repl` with piped input, files, `-e` and the demo's flags.
@Suite struct PipeModeTests {
    let repl = ProcessRunner.product("complex-repl")

    @Test func evaluatesEachLineAndReportsErrorsWithLocation() throws {
        let input = "(1+3j) - 5j * 2\n\n# comment\nx = 2j\nx * x\n1 + * 2\n1/0\nans + 1\n:polar\n3+4j\n:rect\n:precision 3\n1/3\n"
        let run = try ProcessRunner.run(repl, [], input: input)
        #expect(run.stdout == "(1-7j)\n(-4+0j)\n(-3+0j)\n5∠0.9272952180016122\n0.333\n")
        #expect(run.stderr == "<stdin>:6:5: error: expected a number, a name or '(', found '*'\n<stdin>:7:2: error: division by zero\n")
        #expect(run.status == 1)
    }

    @Test func exitsZeroWhenEveryLineSucceeds() throws {
        let run = try ProcessRunner.run(repl, [], input: "1+1\r\n2*3")  // CRLF, and no final newline
        #expect(run.stdout == "2\n6\n")
        #expect(run.stderr.isEmpty)
        #expect(run.status == 0)
    }

    @Test func filesAreEvaluatedInOrderWithTheirNames() throws {
        let directory = try TemporaryDirectory()
        try "1+1\nnope(2)\n".write(toFile: directory.path + "/a.txt", atomically: true, encoding: .utf8)
        try "3*3\n".write(toFile: directory.path + "/b.txt", atomically: true, encoding: .utf8)
        let run = try ProcessRunner.run(repl, [directory.path + "/a.txt", directory.path + "/missing.txt", directory.path + "/b.txt"])
        #expect(run.stdout == "2\n9\n")
        #expect(run.stderr.contains("\(directory.path)/a.txt:2:1: error: unknown function 'nope'"))
        #expect(run.stderr.contains("cannot open '\(directory.path)/missing.txt': No such file or directory"))
        #expect(run.status == 1)
    }

    @Test func expressionFlagAndTheDemosFlags() throws {
        let e = try ProcessRunner.run(repl, ["-e", "(1+3j) - 5j * 2"])
        #expect(e.stdout == "(1-7j)\n" && e.status == 0)
        let add = try ProcessRunner.run(repl, ["--add", "--arg1", "1+3j", "--arg2", "-5j"])
        #expect(add.stdout == "(1-2j)\n" && add.status == 0)
        let div = try ProcessRunner.run(repl, ["--div", "--arg1", "1", "--arg2", "0j"])
        #expect(div.stderr.contains("division by zero") && div.status == 1)
        let missing = try ProcessRunner.run(repl, ["--mul", "--arg1", "2"])
        #expect(missing.stderr.contains("needs --arg1 and --arg2") && missing.status != 0)
        let bad = try ProcessRunner.run(repl, ["-e", "2 3"])
        #expect(bad.stderr == "-e:1:3: error: expected an operator before a number (there is no implicit multiplication: write a*b)\n")
        // An expression may start with '-': it is not an option.
        for arguments in [["-e", "-1+2j"], ["--expression", "-1+2j"], ["--expression=-1+2j"], ["-e", "1", "-e", "-2**2"]] {
            let run = try ProcessRunner.run(repl, arguments)
            #expect(run.status == 0 && run.stdout == (arguments.last == "-2**2" ? "1\n-4\n" : "(-1+2j)\n"), "\(arguments): \(run.stderr)")
        }
        // The demo's operands are Python's complex(str) values: one operation, whatever
        // their signs, parentheses, underscores or special values.
        for (first, second, result) in [("(1-2j)", "1_000", "(1001-2j)"), ("inf", "-nanj", "(inf+nanj)"), ("1e3", "-j", "(1000-1j)"), (" 2.5J ", "+1", "(1+2.5j)")] {
            let run = try ProcessRunner.run(repl, ["--add", "--arg1", first, "--arg2", second])
            #expect(run.stdout == result + "\n" && run.status == 0, "\(first) + \(second): \(run.stderr)")
        }
        for malformed in ["1 + 2j", "2x", "1__0", "(1+2j", "j5", ""] {
            let run = try ProcessRunner.run(repl, ["--sub", "--arg1", "1", "--arg2", malformed])
            #expect(run.status == 64, "\(malformed)")
            #expect(run.stderr.contains("--arg2: '\(malformed)' is not a complex number as Python's complex() reads it"), "\(run.stderr)")
        }
    }

    /// Definitions in -e and files: later lines see earlier definitions, whatever the
    /// window, and a definition prints nothing.
    @Test func definitionsInExpressionsAndFiles() throws {
        let e = try ProcessRunner.run(repl, ["-e", "f(z) = z+1", "-e", "f(2)", "-e", "g(z, w) = f(z)*w", "-e", "g(1, 2j)"])
        #expect(e.stdout == "3\n4j\n" && e.status == 0, "\(e.stderr)")
        let directory = try TemporaryDirectory()
        let file = directory.path + "/defs.txt"
        try "a = 2\nf(z) = z*a\nf(1)\na = 3\nf(1)\nf(z) = -z\nf(1)\nf(1, 2)\nh(z) = h(z)\nh(0)\n".write(toFile: file, atomically: true, encoding: .utf8)
        var outputs: Set<String> = []
        for window in ["1", "2", "1024"] {
            let run = try ProcessRunner.run(repl, ["--window", window, file])
            #expect(run.stdout == "2\n3\n-1\n" && run.status == 1, "window \(window): \(run.stdout)")
            outputs.insert(run.stderr)
        }
        #expect(outputs == ["\(file):8:6: error: f() takes 1 argument, 2 given\n\(file):10:1: error: maximum recursion depth exceeded (over 1000 nested calls, in h)\n"])
    }

    /// :help wraps no word on an 80-column terminal, and lists every function.
    @Test func helpFitsAnEightyColumnTerminal() throws {
        let run = try ProcessRunner.run(repl, ["-e", ":help"])
        let lines = run.stdout.split(separator: "\n")
        #expect(lines.count > 10)
        for line in lines { #expect(line.count <= 80, "\(line.count) columns: \(line)") }
        #expect(run.stdout.split(whereSeparator: { $0 == " " || $0 == "\n" }).contains("atanh"))
    }

    @Test func unknownBackendIsAClearError() throws {
        let run = try ProcessRunner.run(repl, ["--backend", "carrier-pigeon", "-e", "1"])
        #expect(run.stderr.contains("unknown backend 'carrier-pigeon'; available: local"))
        #expect(run.status != 0)
    }

    @Test func metaCommandsInPipes() throws {
        let run = try ProcessRunner.run(repl, [], input: "y = 1j\n:vars\n:backend\n:backend nowhere\n:bogus\n:quit\n5\n")
        #expect(run.stdout.hasPrefix("y = 1j\nbackend: local (in-process)\n"))
        #expect(!run.stdout.contains("5\n"))  // :quit stops reading
        #expect(run.stderr.contains("<stdin>:4:1: error: unknown backend 'nowhere'"))
        #expect(run.stderr.contains("<stdin>:5:1: error: unknown command ':bogus'"))
    }

    @Test func hostileBytesAreErrorsNotCrashes() throws {
        var input = Data("1 +\u{0} 2\n".utf8)
        input.append(contentsOf: [0x31, 0xFF, 0x0A])
        input.append(Data((String(repeating: "(", count: 100_000) + "1\n").utf8))
        input.append(Data((Array(repeating: "1", count: 500_000).joined(separator: "+") + "\n").utf8))  // ~1 MB
        let run = try ProcessRunner.run(repl, [], input: String(decoding: input, as: UTF8.self), timeout: 30)
        #expect(run.stderr.contains("<stdin>:1:4: error: unexpected NUL byte"))
        #expect(run.stderr.contains("<stdin>:2:2: error:"))
        #expect(run.stderr.contains("<stdin>:3:") && run.stderr.contains("nested too deeply"))
        #expect(run.stdout == "500000\n")
    }
}
