import Glibc
import ComplexLanguage
import Synchronization

/// Starts the `complex-server` that sits next to `complex-repl`, detached from the
/// terminal, and waits until it answers.
package enum ServerLauncher {
    /// How long an auto-started server waits, without connections, before exiting.
    package static let idleExitSeconds = 600

    /// Servers this process started and has not yet waited for. Once a server is up
    /// nothing waits for it, so one that exits later (idle, killed) would stay a zombie
    /// for as long as the REPL runs; each launch reaps those that have exited since.
    static let started = Mutex<[pid_t]>([])

    static func reapExitedServers() {
        started.withLock { pids in
            pids.removeAll { pid in
                var status: Int32 = 0
                // 0: still running. Otherwise it is reaped now, or was already (the
                // benchmark waits for the server it stops), and either way done with.
                return waitpid(pid, &status, WNOHANG) != 0
            }
        }
    }

    /// Starts `complex-server` with `arguments` and waits up to 5 s for `ready()`.
    /// Returns the server's pid, or a message that says how to start it by hand.
    package static func launch(
        arguments: [String],
        executableDirectory: String?,
        ready: () -> Bool
    ) -> Result<pid_t, LaunchFailure> {
        reapExitedServers()
        guard let directory = executableDirectory else {
            return .failure(LaunchFailure(reason: "cannot tell where complex-repl is installed"))
        }
        let server = directory + "/complex-server"
        guard access(server, X_OK) == 0 else {
            return .failure(LaunchFailure(reason: "\(server) was not found"))
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for fd in Int32(0)...2 {
            posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", fd == 0 ? O_RDONLY : O_WRONLY, 0)
        }
        // The server outlives us: it must not keep our other descriptors open (a pipe's
        // write end held by it would keep whoever reads that pipe waiting for EOF).
        for fd in openDescriptors() where fd > 2 {
            posix_spawn_file_actions_addclose(&actions, fd)
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Its own process group: Ctrl-C in the REPL's terminal must not stop a shared server.
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)

        let argv = ([server] + arguments + ["--exit-when-idle", String(idleExitSeconds)]).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, server, &actions, &attributes, argv, environ)
        guard rc == 0 else {
            return .failure(LaunchFailure(reason: "cannot start \(server): \(String(cString: strerror(rc)))"))
        }
        for _ in 0..<500 {
            if ready() {
                started.withLock { $0.append(pid) }
                return .success(pid)
            }
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid {
                return .failure(LaunchFailure(reason: "\(server) exited at once (status \(status >> 8)); run it by hand to see why"))
            }
            usleep(10_000)
        }
        started.withLock { $0.append(pid) }
        return .failure(LaunchFailure(reason: "\(server) did not answer within 5 s"))
    }

    /// This process's open file descriptors, from /proc/self/fd.
    static func openDescriptors() -> [Int32] {
        guard let directory = opendir("/proc/self/fd") else { return [] }
        defer { closedir(directory) }
        var result: [Int32] = []
        let own = dirfd(directory)
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if let fd = Int32(name), fd != own { result.append(fd) }
        }
        return result
    }

    package struct LaunchFailure: Error {
        package var reason: String
    }
}

extension ServerLauncher {
    /// Connects with `connect`; when that fails on the backend's default address,
    /// starts a server there (saying so through `configuration.notice`) and connects
    /// again. Any other address is never started: the error says how to start it.
    static func connectOrStart<Connection>(
        backend: String,
        address: String,
        isDefault: Bool,
        serverArguments: [String],
        configuration: BackendConfiguration,
        connect: () throws(BlockingStream.Failure) -> Connection
    ) throws(OperationError) -> Connection {
        let startCommand = "complex-server " + serverArguments.joined(separator: " ")
        do throws(BlockingStream.Failure) {
            return try connect()
        } catch {
            guard isDefault else {
                throw .backendFailure("\(backend): no complex-server at \(address) (\(error.reason)); start one with: \(startCommand)")
            }
        }
        switch launch(
            arguments: serverArguments,
            executableDirectory: configuration.executableDirectory,
            ready: { (try? connect()) != nil }
        ) {
        case .success(let pid):
            configuration.notice("started complex-server on \(address) (pid \(pid)); it exits after \(idleExitSeconds / 60) minutes without connections")
        case .failure(let failure):
            throw .backendFailure("\(backend): no complex-server at \(address), and starting one failed: \(failure.reason); start one with: \(startCommand)")
        }
        do throws(BlockingStream.Failure) {
            return try connect()
        } catch {
            throw .backendFailure("\(backend): cannot connect to complex-server at \(address): \(error.reason)")
        }
    }
}
