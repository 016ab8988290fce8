import ComplexLanguage
import Glibc
import Synchronization

/// A command run as a child process that speaks over a pair of pipes, its stdin and
/// stdout; its stderr is the REPL's own, so what it says there reaches the user. The
/// `stdio` backend's peer.
///
/// **Its life.** It runs in a process group of its own, so Ctrl-C in the REPL's terminal
/// does not reach it. It is ended when its stream is let go (the session switched
/// backend, or the connection was dropped after a fault), when the REPL exits, and when
/// the REPL is stopped by SIGINT, SIGTERM or SIGHUP: first the end of its input, then
/// SIGTERM after `graceSeconds`, then SIGKILL after as long again; then it is reaped, so
/// it never lingers as a zombie.
package final class ChildProcess {
    /// How long a child has to exit after the end of its input, and again after SIGTERM.
    package static let graceSeconds = 1

    /// The command as the user gave it, for messages.
    package let command: String
    package let pid: pid_t
    /// The write end of the child's stdin, which the stream closes first.
    let stdinFD: Int32
    /// waitpid's status, once the child is reaped.
    private var status: Int32?

    private init(command: String, pid: pid_t, stdinFD: Int32) {
        self.command = command
        self.pid = pid
        self.stdinFD = stdinFD
    }

    /// Starts `arguments` (the executable's path first) and returns the stream to it.
    static func start(_ arguments: [String], command: String, replyTimeoutSeconds: Int) throws(OperationError) -> BlockingStream {
        var toChild: [Int32] = [0, 0], fromChild: [Int32] = [0, 0]
        guard pipe(&toChild) == 0 else { throw .backendFailure("stdio: cannot make a pipe: \(String(cString: strerror(errno)))") }
        guard pipe(&fromChild) == 0 else {
            close(toChild[0]); close(toChild[1])
            throw .backendFailure("stdio: cannot make a pipe: \(String(cString: strerror(errno)))")
        }
        // Our ends stay ours: a server this REPL starts later must not inherit them.
        for fd in toChild + fromChild { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, toChild[0], 0)
        posix_spawn_file_actions_adddup2(&actions, fromChild[1], 1)
        // Nothing else of ours: a descriptor the child kept would keep its reader (a pipe
        // downstream of the REPL, a server's socket) from seeing the end.
        for fd in ServerLauncher.openDescriptors() where fd > 2 && !toChild.contains(fd) && !fromChild.contains(fd) {
            posix_spawn_file_actions_addclose(&actions, fd)
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t(), defaults = sigset_t()
        sigemptyset(&empty)
        sigemptyset(&defaults)
        for signal in [SIGPIPE, SIGINT, SIGTERM, SIGHUP] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawnp(&pid, arguments[0], &actions, &attributes, argv, environ)
        close(toChild[0])
        close(fromChild[1])
        guard rc == 0 else {
            close(toChild[1]); close(fromChild[0])
            throw .backendFailure("stdio: cannot start \(command): \(String(cString: strerror(rc)))")
        }
        let child = ChildProcess(command: command, pid: pid, stdinFD: toChild[1])
        Live.add(pid: pid, stdinFD: toChild[1])
        let stream = BlockingStream(readFD: fromChild[0], writeFD: toChild[1], owner: child, replyTimeoutSeconds: replyTimeoutSeconds)
        stream.closedReason = { [unowned child] in "it " + child.exitDescription(waitingMilliseconds: 200) }
        return stream
    }

    /// Its stream has let go of it (and closed its pipes): end it.
    deinit {
        Live.remove(pid: pid)
        guard status == nil else { return }
        Self.end(pid: pid)
    }

    /// How the child ended, waiting up to `waitingMilliseconds` for it to: one that
    /// closed its output is usually on its way out.
    func exitDescription(waitingMilliseconds: Int) -> String {
        for _ in 0...(waitingMilliseconds / 10) {
            if let status { return Self.describe(status) }
            var raw: Int32 = 0
            if waitpid(pid, &raw, WNOHANG) == pid {
                status = raw
                Live.remove(pid: pid)
                return Self.describe(raw)
            }
            usleep(10_000)
        }
        return "closed its output (pid \(pid), still running)"
    }

    static func describe(_ status: Int32) -> String {
        let signal = status & 0x7F
        if signal == 0 { return "exited with status \((status >> 8) & 0xFF)" }
        let name = strsignal(signal).map { String(cString: $0) } ?? "signal \(signal)"
        return "was killed by signal \(signal) (\(name))"
    }

    /// Ends `pid`, whose input is closed: a grace period, SIGTERM, as long again,
    /// SIGKILL; then reaps it. Only async-signal-safe calls, so a signal handler can use it.
    static func end(pid: pid_t) {
        var raw: Int32 = 0
        func exited(within seconds: Int) -> Bool {
            for _ in 0..<(seconds * 100) {
                let reaped = waitpid(pid, &raw, WNOHANG)
                if reaped == pid || (reaped < 0 && errno == ECHILD) { return true }
                var pause = timespec(tv_sec: 0, tv_nsec: 10_000_000)
                nanosleep(&pause, nil)
            }
            return false
        }
        if exited(within: graceSeconds) { return }
        kill(pid, SIGTERM)
        if exited(within: graceSeconds) { return }
        kill(pid, SIGKILL)
        while waitpid(pid, &raw, 0) < 0 && errno == EINTR {}
    }

    /// The children running, in memory a signal handler can read without a lock: when
    /// the REPL exits or is stopped by a signal, each is ended as the stream would.
    enum Live {
        static let capacity = 64
        /// Pairs of (pid, stdin's write end); 0 marks a free pair.
        nonisolated(unsafe) static let slots: UnsafeMutablePointer<Int32> = {
            let slots = UnsafeMutablePointer<Int32>.allocate(capacity: capacity * 2)
            slots.initialize(repeating: 0, count: capacity * 2)
            return slots
        }()
        static let lock = Mutex(false)

        static func add(pid: pid_t, stdinFD: Int32) {
            lock.withLock { installed in
                if !installed {
                    installed = true
                    installHandlers()
                }
                for index in 0..<capacity where slots[2 * index] == 0 {
                    slots[2 * index + 1] = stdinFD
                    slots[2 * index] = pid
                    return
                }
            }
        }

        static func remove(pid: pid_t) {
            lock.withLock { _ in
                for index in 0..<capacity where slots[2 * index] == pid { slots[2 * index] = 0 }
            }
        }

        /// Ends every child still running: the end of its input, then as `end(pid:)`.
        static func endAll() {
            for index in 0..<capacity where slots[2 * index] > 0 { close(slots[2 * index + 1]) }
            for index in 0..<capacity where slots[2 * index] > 0 {
                ChildProcess.end(pid: slots[2 * index])
                slots[2 * index] = 0
            }
        }

        /// At exit, and on SIGINT, SIGTERM and SIGHUP (where nothing else handles them),
        /// the children are ended before the REPL goes.
        static func installHandlers() {
            atexit { ChildProcess.Live.endAll() }
            for signal in [SIGINT, SIGTERM, SIGHUP] {
                var current = sigaction()
                sigaction(signal, nil, &current)
                guard current.__sigaction_handler.sa_handler == nil else { continue }  // SIG_DFL only
                var action = sigaction()
                action.__sigaction_handler.sa_handler = { signal in
                    ChildProcess.Live.endAll()
                    Glibc.signal(signal, SIG_DFL)
                    raise(signal)
                }
                sigemptyset(&action.sa_mask)
                sigaction(signal, &action, nil)
            }
        }
    }
}
