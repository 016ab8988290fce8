import Foundation
import Testing
import TestSupport

/// What only `--backend shm` has, against a real complex-server: the channel limit,
/// its idle cost, a hostile neighbour, and a client written from the protocol document.
/// What it shares with `ipc` is in `SocketBackendTests`.
@Suite struct SharedMemoryBackendTests {
    let repl = ProcessRunner.product("complex-repl")

    /// The server holds at most `--max-shm-channels`; one more gets a clear error, and a
    /// client that dies gives its channel back.
    @Test func theChannelLimitHoldsAndADeadClientsChannelIsFreed() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/s.sock"
        let server = try ServerProcess(["--socket", path, "--no-http", "--max-shm-channels", "1"], socketPath: path, in: directory)
        let holder = try PseudoTerminal(repl, ["--backend", "shm", "--socket", path, "-"], environment: ["TERM": "dumb"])
        holder.send("1+1\n")
        try holder.expect("\n2\r\n")
        let refused = try ProcessRunner.run(repl, ["--backend", "shm", "--socket", path, "-e", "2+2"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("shm: complex-server at \(path) refused a channel: shm: the server has its most shm channels open (1, --max-shm-channels); use ipc"), "\(refused.stderr)")
        #expect(refused.stderr.contains("(too_many_channels)"))
        kill(holder.pid, SIGKILL)
        _ = holder.waitForExit()
        // The server frees the channel once the dead client's connection closes.
        let deadline = Date().addingTimeInterval(5)
        var answered = try ProcessRunner.run(repl, ["--backend", "shm", "--socket", path, "-e", "3+3"])
        while answered.status != 0 && Date() < deadline {
            usleep(50_000)
            answered = try ProcessRunner.run(repl, ["--backend", "shm", "--socket", path, "-e", "3+3"])
        }
        #expect(answered.stdout == "6\n", "\(answered.stderr)")
        _ = server
    }

    /// Once the polling window is over, a REPL waiting at its prompt and its server's
    /// channel thread sleep: neither process uses CPU over 5 s.
    @Test func anIdleChannelUsesNoCPU() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/s.sock"
        let server = try ServerProcess(["--socket", path, "--no-http"], socketPath: path, in: directory)
        let terminal = try PseudoTerminal(repl, ["--backend", "shm", "--socket", path, "-"], environment: ["TERM": "dumb"])
        terminal.send("(1+2j)*3\n")
        try terminal.expect("\n(3+6j)\r\n")
        usleep(200_000)
        let pids = [terminal.pid, server.process.processIdentifier]
        let before = pids.map(Self.cpuTicks)
        usleep(5_000_000)
        let after = pids.map(Self.cpuTicks)
        // Clock ticks are 10 ms: a process that polled for even 2% of the time would show 10.
        #expect(after[0] - before[0] <= 2, "the REPL used \(after[0] - before[0]) ticks of CPU while idle")
        #expect(after[1] - before[1] <= 2, "the server used \(after[1] - before[1]) ticks of CPU while idle")
        terminal.send("ans*2\n")
        try terminal.expect("\n(6+12j)\r\n")
        terminal.send("\u{04}")
        #expect(terminal.waitForExit() == 0)
    }

    /// docs/PROTOCOL.md is enough to write a client: the C example, built from it, gets
    /// its answers from a real server.
    @Test func theCExampleClientWorks() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/s.sock"
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("examples/shm/shm_client.c").path
        let client = directory.path + "/shm_client"
        let cc = try ProcessRunner.run("/usr/bin/env", ["cc", "-O2", "-Wall", "-Werror", "-o", client, source])
        #expect(cc.status == 0, "\(cc.stderr)")
        let server = try ServerProcess(["--socket", path, "--no-http"], socketPath: path, in: directory)
        let run = try ProcessRunner.run(client, [path])
        #expect(run.stdout == """
            (1+2j) * (3-4j) = (11, 2)
            (0.1+0j) + (0.2+0j) = (0.30000000000000004, 0)
            sqrt(-4+0j) = (0, 2)
            (1+0j) / 0j: error 2: division by zero

            """, "\(run.stderr)")
        _ = server
    }

    /// The region offered is a memfd, on no file system, that only the server's user can
    /// open: another user's process is refused even while the server holds it out.
    /// The region the server offers, and the path another process would open it by.
    func offeredRegion(in directory: TemporaryDirectory) throws -> (server: ServerProcess, client: LineClient, region: String)? {
        let path = directory.path + "/s.sock"
        let server = try ServerProcess(["--socket", path, "--no-http"], socketPath: path, in: directory)
        let client = try LineClient(socketPath: path)
        try client.send(#"{"shm":"open"}"# + "\n")
        let offer = try client.readLine() ?? ""
        guard let match = offer.wholeMatch(of: /\{"shm":\{"version":1,"pid":(\d+),"fd":(\d+)\}\}/) else {
            Issue.record("no offer: \(offer)")
            return nil
        }
        return (server, client, "/proc/\(match.1)/fd/\(match.2)")
    }

    static let canRunAsAnotherUser = getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/sbin/runuser")

    @Test(.enabled(if: canRunAsAnotherUser, "needs root and runuser to try the region as user nobody"))
    func anotherUserCannotOpenTheRegion() throws {
        let directory = try TemporaryDirectory()
        guard let (server, client, region) = try offeredRegion(in: directory) else { return }
        let probe = "import os,sys\ntry:\n os.open(sys.argv[1], os.O_RDWR); print('opened')\nexcept PermissionError: print('refused')"
        let run = try ProcessRunner.run("/usr/sbin/runuser", ["-u", "nobody", "--", "/usr/bin/python3", "-c", probe, region])
        #expect(run.stdout == "refused\n", "\(run.stdout)\(run.stderr)")
        _ = (server, client)
    }

    @Test func theServersOwnUserOpensTheRegion() throws {
        let directory = try TemporaryDirectory()
        guard let (server, client, region) = try offeredRegion(in: directory) else { return }
        let target = (try? FileManager.default.destinationOfSymbolicLink(atPath: region)) ?? ""
        #expect(target.hasPrefix("/memfd:complex-repl-shm"), "\(target)")
        let descriptor = open(region, O_RDWR)
        #expect(descriptor >= 0, "the server's own user cannot open \(region)")
        close(descriptor)
        _ = (server, client)
    }

    /// The server counts a channel's requests and errors under the transport `shm`.
    @Test func theMetricsCountAChannelsRequests() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/s.sock"
        let server = try ServerProcess(["--socket", path, "--http", "127.0.0.1:0"], socketPath: path, in: directory)
        let run = try ProcessRunner.run(repl, ["--backend", "shm", "--socket", path, "-e", "sqrt(4)", "-e", "sqrt(9)", "-e", "1/0"])
        #expect(run.stdout == "2\n3\n" && run.status == 1)
        // The channel's thread adds its counts when it goes to sleep, 50 µs after the last request.
        let http = try HTTPTestClient(port: try server.httpPort())
        var metrics = ""
        let deadline = Date().addingTimeInterval(5)
        repeat {
            metrics = try http.request("GET", "/metrics").body.replacingOccurrences(of: " ", with: "")
        } while !metrics.contains(#"operation="div",transport="shm"}1"#) && Date() < deadline
        #expect(metrics.contains(#"complex_server_requests_total{operation="sqrt",transport="shm"}2"#), "\(metrics)")
        #expect(metrics.contains(#"complex_server_requests_total{operation="div",transport="shm"}1"#))
        #expect(metrics.contains(#"complex_server_errors_total{code="division_by_zero",transport="shm"}1"#))
    }

    /// utime + stime from /proc/PID/stat, in clock ticks.
    static func cpuTicks(_ pid: pid_t) -> Int {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return -1 }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // After the command's closing parenthesis: state is field 0, utime 11, stime 12.
        return (Int(fields[11]) ?? 0) + (Int(fields[12]) ?? 0)
    }

    /// A client that writes random bytes all over its shared region as fast as it can,
    /// for 10 s (and opens a new channel whenever the server gives one up), while two
    /// honest clients, over shm and ipc, evaluate a program again and again: the server
    /// never crashes or stalls, and every honest answer is right.
    @Test func aHostileClientCannotHurtTheServerOrOtherClients() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/s.sock"
        let server = try ServerProcess(["--socket", path, "--no-http"], socketPath: path, in: directory)
        let program = directory.path + "/program.txt"
        try BackendIdentity.program(seed: 7, lines: 400).write(toFile: program, atomically: true, encoding: .utf8)
        let expected = try ProcessRunner.run(repl, [program])
        let hostile = try ScriptedPeer(script: Self.hostileScript, arguments: [path, "10"])
        #expect(hostile.firstLine == "mapped", "the hostile client did not get a channel: \(hostile.firstLine)")
        let end = Date().addingTimeInterval(10)
        var runs = 0
        while Date() < end {
            for backend in ["shm", "ipc"] {
                let run = try ProcessRunner.run(repl, ["--backend", backend, "--socket", path, program], timeout: 20)
                #expect(run.stdout == expected.stdout && run.stderr == expected.stderr && run.status == expected.status,
                        "\(backend) answered differently beside a hostile client")
                runs += 1
            }
        }
        let report = hostile.finish()
        #expect(server.process.isRunning, "the server died: \(server.log)")
        #expect(runs >= 4)
        // The script says how many channels it had and how many bytes it wrote: proof
        // that it was hostile for the whole time, not refused at once.
        let numbers = report.split(separator: " ").compactMap { Int($0) }
        #expect(numbers.count == 2 && numbers[0] >= 1 && numbers[1] > 1_000_000, "hostile client: \(report)")
        let after = try ProcessRunner.run(repl, ["--backend", "shm", "--socket", path, "-e", "(1+3j) - 5j * 2"])
        #expect(after.stdout == "(1-7j)\n")
    }

    /// Connects, opens a channel, and scribbles: half of its rounds random bytes
    /// anywhere (heads, futex words, slots), half random slots with a request count
    /// just ahead of the server's, so the server decodes garbage requests too.
    static let hostileScript = """
        import json, mmap, os, random, socket, sys, time
        path, seconds = sys.argv[1], float(sys.argv[2])
        end = time.time() + seconds
        channels = written = 0
        first = True
        while time.time() < end:
            s = socket.socket(socket.AF_UNIX)
            s.connect(path)
            s.sendall(b'{"shm":"open"}\\n')
            offer = json.loads(s.makefile("rb").readline())["shm"]
            fd = os.open("/proc/%d/fd/%d" % (offer["pid"], offer["fd"]), os.O_RDWR)
            region = mmap.mmap(fd, 0)
            os.close(fd)
            s.sendall(b'{"shm":"mapped"}\\n')
            channels += 1
            if first:
                print("mapped", flush=True)
                first = False
            s.setblocking(False)
            size = len(region)
            while time.time() < end:
                for _ in range(500):
                    if random.random() < 0.5:
                        at = random.randrange(size - 64)
                        region[at:at + 64] = os.urandom(64)
                    else:
                        at = 512 + random.randrange(256) * 64
                        region[at:at + 64] = os.urandom(64)
                        served = int.from_bytes(region[128:132], "little")
                        region[64:68] = ((served + random.randrange(1, 200)) % 2**32).to_bytes(4, "little")
                    written += 64
                try:
                    if s.recv(1) == b"":
                        break
                except BlockingIOError:
                    pass
            region.close()
            s.close()
        print(channels, written, flush=True)
        """
}
