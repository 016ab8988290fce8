import Foundation
import Testing
import TestSupport

/// `complex-repl bench` runs end to end and cleans up after itself. One test at a time:
/// every run makes a /tmp/complex-bench- directory, and one test's run showed up in the
/// other's look for what was left behind.
@Suite(.serialized) struct BenchCommandTests {
    let repl = ProcessRunner.product("complex-repl")

    /// complex-server processes started by a benchmark (their socket is under /tmp/complex-bench-).
    func benchServers() -> [String] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.filter { Int($0) != nil }.compactMap { pid in
            guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return nil }
            let command = String(decoding: data.map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self)
            return command.contains("complex-server") && command.contains("/tmp/complex-bench-") ? pid : nil
        }
    }

    func benchDirectories() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/tmp")) ?? []).filter { $0.hasPrefix("complex-bench-") }
    }

    @Test func jsonFiguresArePlausibleAndNothingIsLeftBehind() throws {
        let directoriesBefore = Set(benchDirectories())
        let run = try ProcessRunner.run(repl, ["bench", "--ops", "200", "--json", "--backends", "local,ffi,ipc"], timeout: 60)
        #expect(run.status == 0, "\(run.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]
        let backends = json?["backends"] as? [[String: Any]] ?? []
        #expect(backends.map { $0["backend"] as? String } == ["local", "ffi", "ipc"])
        for entry in backends {
            let p50 = entry["p50_us"] as? Double ?? 0, p99 = entry["p99_us"] as? Double ?? 0
            let maximum = entry["max_us"] as? Double ?? 0, rate = entry["ops_per_s"] as? Double ?? 0
            #expect(p50 > 0 && p50 <= p99 && p99 <= maximum, "\(entry)")
            #expect(rate > 0 && (entry["cpu_us_per_op"] as? Double ?? 0) > 0, "\(entry)")
        }
        // A transport costs more than a function call: the order of magnitude must show.
        if let local = backends.first?["p50_us"] as? Double, let ipc = backends.last?["p50_us"] as? Double {
            #expect(ipc > 10 * local)
        }
        #expect(benchServers().isEmpty)
        #expect(Set(benchDirectories()).subtracting(directoriesBefore).isEmpty)
    }

    @Test func tableChartSVGAndPipeMode() throws {
        let directory = try TemporaryDirectory()
        let svg = directory.path + "/chart.svg"
        let run = try ProcessRunner.run(repl, ["bench", "--ops", "100", "--backends", "local,ffi", "--op", "div", "--svg", svg])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("100 × div"))
        #expect(run.stdout.contains("local p50 █") || run.stdout.contains("local p50 ▏"))
        #expect(try String(contentsOfFile: svg, encoding: .utf8).hasPrefix("<svg"))
        let exprs = directory.path + "/e.txt"
        try "1+2j\n(1+2j)*(3-4j)/(2+1j)\n".write(toFile: exprs, atomically: true, encoding: .utf8)
        let pipe = try ProcessRunner.run(repl, ["bench", "--backends", "local", "--pipe", exprs, "--json"])
        #expect(pipe.stdout.contains("\"lines_per_s\":"), "\(pipe.stdout)\(pipe.stderr)")
        // CPython's loop over the same file, in the same run: each backend's ratio to it.
        #expect(pipe.stdout.contains("\"python_lines_per_s\":"), "\(pipe.stdout)")
        let table = try ProcessRunner.run(repl, ["bench", "--backends", "local", "--pipe", exprs, "--threads", "2"])
        let lines = table.stdout.split(separator: "\n")
        #expect(lines.contains { $0.hasPrefix("CPython ") && $0.hasSuffix(" 1") }, "\(table.stdout)")
        // `local` on one thread, then on the two --threads asks for.
        #expect(lines.contains { $0.hasPrefix("local ") && !$0.hasPrefix("local ×") && $0.hasSuffix("×") }, "\(table.stdout)")
        #expect(lines.contains { $0.hasPrefix("local ×2 ") && $0.hasSuffix("×") }, "\(table.stdout)")
        let bad = try ProcessRunner.run(repl, ["bench", "--backends", "local,nowhere"])
        #expect(bad.status != 0 && bad.stderr.contains("unknown backend 'nowhere'"))
    }
}
