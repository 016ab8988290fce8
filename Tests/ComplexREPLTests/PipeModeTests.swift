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

    /// A file evaluated by several threads (`--threads`, the local backend) prints, byte
    /// for byte, what one thread prints line after line: results, errors with their
    /// places, and what lines with names, `ans` and meta-commands read and change.
    @Test func threadsPrintWhatOneThreadPrints() throws {
        var generator = SplitMix(seed: 6)
        func expression(_ depth: Int) -> String {
            if depth == 0 || generator.next() % 3 == 0 {
                return ["0.5", "1e308", "2.5j", "(5+0.61j)", String(Double(generator.next() % 1000) / 10 - 50)][Int(generator.next() % 5)]
            }
            let op = ["+", "-", "*", "/", "**"][Int(generator.next() % 5)]
            return "(\(expression(depth - 1)) \(op) \(expression(depth - 1)))"
        }
        let others = ["", "1/0", "x = 1+2j", "x * ans", "_ - 1", "(1 +", "# note", "sqrt(-1)", ":precision 5", ":rect", "f(z) = z*x", "f(2)"]
        var program = ""
        for _ in 0..<6_000 {
            program += (generator.next() % 12 == 0 ? others[Int(generator.next() % UInt64(others.count))] : expression(4)) + "\n"
        }
        // And plain lines with many that read the last result, often the first a thread
        // leaves to this one.
        var readers = ""
        for _ in 0..<3_000 {
            readers += ["(1+2j)*3", "2.5 ** 2", "-7j / 2", "_ - 1", "ans * 2"][Int(generator.next() % 5)] + "\n"
        }
        let directory = try TemporaryDirectory()
        for (name, text) in [("program", program), ("readers", readers)] {
            let file = directory.path + "/\(name).txt"
            try text.write(toFile: file, atomically: true, encoding: .utf8)
            let one = try ProcessRunner.run(repl, ["--threads", "1", "--window", "1", file])
            #expect(one.stdout.split(separator: "\n").count > 2_900)
            for arguments in [["--threads", "2"], ["--threads", "8", "--window", "2048"], ["--threads", "3", "--window", "600"]] {
                let several = try ProcessRunner.run(repl, arguments + [file])
                #expect(several.stdout == one.stdout, "\(arguments) on \(name)")
                #expect(several.stderr == one.stderr, "\(arguments) on \(name)")
                #expect(several.status == one.status)
            }
        }
        let wrong = try ProcessRunner.run(repl, ["--threads", "9", "-e", "1"])
        #expect(wrong.stderr.contains("--threads wants 1 to 8 threads, e.g. --threads 1") && wrong.status != 0)
    }

    /// docs/RELIABILITY.md: pipe mode starts a thread only when a window has a part for
    /// it (at least 256 lines each), never more than `--threads` in all, and reuses them.
    @Test func threadsStartAsWindowsNeedThemUpToTheLimit() throws {
        let directory = try TemporaryDirectory()
        for (threads, expected) in [(1, 1), (3, 3), (8, 4)] {
            var input: [Int32] = [0, 0], output: [Int32] = [0, 0]
            #expect(pipe(&input) == 0 && pipe(&output) == 0)
            var actions = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            defer { posix_spawn_file_actions_destroy(&actions) }
            posix_spawn_file_actions_adddup2(&actions, input[0], 0)
            posix_spawn_file_actions_adddup2(&actions, output[1], 1)
            for fd in input + output { posix_spawn_file_actions_addclose(&actions, fd) }
            let pid = try ProcessRunner.spawn(repl, ["--threads", String(threads)], actions: &actions,
                                              environment: ProcessRunner.isolatedEnvironment(in: directory.path))
            close(input[0])
            close(output[1])
            /// Writes `lines` copies of `line` at once (at most PIPE_BUF bytes, so they
            /// arrive as one read and one window) and reads their answers; the threads.
            func window(_ line: String, _ lines: Int, answer: String) -> Int {
                let text = String(repeating: line + "\n", count: lines)
                _ = text.withCString { write(input[1], $0, strlen($0)) }
                var got = 0
                var buffer = [UInt8](repeating: 0, count: 1 << 16)
                while got < (answer.utf8.count + 1) * lines {
                    let n = read(output[0], &buffer, buffer.count)
                    guard n > 0 else { break }
                    got += n
                }
                return (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task").count) ?? 0
            }
            #expect(window("1+1", 1, answer: "2") == 1)  // one line: no part for another thread
            #expect(window("2*2", 300, answer: "4") == 1, "--threads \(threads), 300 lines")
            #expect(window("2*2", 600, answer: "4") == min(threads, 2), "--threads \(threads), 600 lines")
            #expect(window("1+1", 1024, answer: "2") == expected, "--threads \(threads), 1024 lines")
            #expect(window("3-3", 1024, answer: "0") == expected, "--threads \(threads), threads reused")
            close(input[1])
            var status: Int32 = 0
            waitpid(pid, &status, 0)
            close(output[0])
            #expect(status == 0)
        }
    }
}
