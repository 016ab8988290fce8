import CPseudoTerminal
import Foundation

/// A program running on a real pseudo-terminal, driven like a person at a keyboard:
/// `send` types, `expect` waits (bounded) for text on the screen stream.
public final class PseudoTerminal {
    public enum Failure: Error, CustomStringConvertible {
        case setup(String)
        case timedOut(waitingFor: String, transcript: String)
        public var description: String {
            switch self {
            case .setup(let what): return "pseudo-terminal setup failed: \(what)"
            case .timedOut(let text, let transcript):
                return "timed out waiting for \(text.debugDescription); the terminal showed:\n\(transcript.debugDescription)"
            }
        }
    }

    let master: Int32
    public let pid: pid_t
    /// Everything the program wrote, terminal escapes included.
    public private(set) var transcript = ""
    var consumed: String.Index
    /// Bytes read that do not yet make a whole UTF-8 character.
    var pending: [UInt8] = []

    public init(_ executable: String, _ arguments: [String], environment: [String: String]) throws {
        var name = [CChar](repeating: 0, count: 256)
        master = cpt_open_master(&name, name.count)
        guard master >= 0 else {
            throw Failure.setup("posix_openpt: \(String(cString: strerror(errno)))")
        }
        let slave = open(name, O_RDWR | O_NOCTTY)
        guard slave >= 0 else { throw Failure.setup("open pseudo-terminal slave: \(String(cString: strerror(errno)))") }
        defer { close(slave) }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for fd in Int32(0)...2 { posix_spawn_file_actions_adddup2(&actions, slave, fd) }
        posix_spawn_file_actions_addclose(&actions, master)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, cpt_spawn_setsid_flag())

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var child: pid_t = 0
        let rc = posix_spawn(&child, executable, &actions, &attributes, argv, envp)
        guard rc == 0 else { throw Failure.setup("posix_spawn \(executable): \(String(cString: strerror(rc)))") }
        pid = child
        consumed = transcript.startIndex
    }

    deinit {
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        close(master)
    }

    /// Types `text` (use "\r" for Enter, "\u{1B}[D" for ←, "\u{12}" for Ctrl-R).
    public func send(_ text: String) {
        var bytes = Array(text.utf8)
        _ = bytes.withUnsafeMutableBytes { write(master, $0.baseAddress, $0.count) }
        usleep(20_000)  // let the line editor take keys in the order a person types them
    }

    /// Waits until `text` appears after what earlier `expect` calls matched; returns
    /// the output up to and including it.
    @discardableResult
    public func expect(_ text: String, timeout: Double = 10) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if let range = transcript.range(of: text, range: consumed..<transcript.endIndex) {
                let seen = String(transcript[consumed..<range.upperBound])
                consumed = range.upperBound
                return seen
            }
            let remaining = deadline.timeIntervalSinceNow
            if remaining <= 0 {
                throw Failure.timedOut(waitingFor: text, transcript: String(transcript[consumed...]))
            }
            readAvailable(waitingMilliseconds: Int32(min(remaining, 0.2) * 1000))
        }
    }

    func readAvailable(waitingMilliseconds: Int32) {
        var descriptor = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
        guard poll(&descriptor, 1, waitingMilliseconds) > 0 else { return }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let n = read(master, &buffer, buffer.count)
        if n > 0 {
            let offset = transcript.distance(from: transcript.startIndex, to: consumed)
            // A read may end inside a character: its first bytes wait for the rest.
            pending += buffer[..<n]
            var complete = pending.count
            var back = 0
            while back < min(3, pending.count), pending[pending.count - 1 - back] & 0xC0 == 0x80 { back += 1 }
            if back < pending.count {
                let lead = pending[pending.count - 1 - back]
                let length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1
                if length > back + 1 { complete = pending.count - 1 - back }
            }
            transcript += String(decoding: pending[..<complete], as: UTF8.self)
            pending.removeSubrange(..<complete)
            consumed = transcript.index(transcript.startIndex, offsetBy: offset)
        } else {
            usleep(10_000)
        }
    }

    /// Waits for the program to exit; returns its exit status, or nil on timeout.
    public func waitForExit(timeout: Double = 10) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        var status: Int32 = 0
        while Date() < deadline {
            readAvailable(waitingMilliseconds: 20)
            if waitpid(pid, &status, WNOHANG) == pid {
                return (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
            }
        }
        return nil
    }
}
