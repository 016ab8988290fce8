import Glibc

/// CPython's own eval loop over a pipe-mode file, `for l in sys.stdin:
/// print(repr(eval(l)))`, timed beside the backends so that `bench --pipe` can say
/// what each is worth against it in the same run (the machine's speed drifts from
/// minute to minute).
package enum PythonBaseline {
    /// The loop's lines per second over `file`, from `python3` on the PATH; nil when
    /// there is none, or it fails (a file CPython cannot evaluate: pipe mode's own
    /// syntax, user functions).
    static func linesPerSecond(file: String, lines: Int) -> Double? {
        let input = open(file, O_RDONLY)
        guard input >= 0 else { return nil }
        defer { close(input) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, input, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let arguments = ["python3", "-c", "import sys\nfor l in sys.stdin: print(repr(eval(l)))"]
        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let start = Stopwatch.now()
        var pid: pid_t = 0
        guard posix_spawnp(&pid, "python3", &actions, nil, argv, environ) == 0 else { return nil }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let seconds = Double(Stopwatch.now() - start) / 1e9
        guard status == 0, seconds > 0 else { return nil }
        return Double(lines) / seconds
    }
}
