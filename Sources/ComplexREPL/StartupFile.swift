import Glibc

/// The user's startup file, as Python's `PYTHONSTARTUP`: lines evaluated before the
/// first prompt (and before a plot), so the user's own functions and variables are
/// always there. Values are not printed; errors are reported as
/// `FILE:LINE:COLUMN: error: MESSAGE` and the session starts all the same.
package enum StartupFile {
    /// `$COMPLEX_REPL_STARTUP` (empty: none), else
    /// `$XDG_CONFIG_HOME/complex-repl/startup`, else `~/.config/complex-repl/startup`.
    /// `named` is true when the environment names the file, which must then exist.
    package static func location(environment: [String: String]) -> (path: String, named: Bool)? {
        if let explicit = environment["COMPLEX_REPL_STARTUP"] {
            return explicit.isEmpty ? nil : (explicit, true)
        }
        if let config = environment["XDG_CONFIG_HOME"], config.hasPrefix("/") {
            return (config + "/complex-repl/startup", false)
        }
        guard let home = environment["HOME"], !home.isEmpty else { return nil }
        return (home + "/.config/complex-repl/startup", false)
    }

    /// Evaluates the startup file, if there is one, in `session`; returns false when
    /// any of its lines failed (or a named file cannot be read).
    @discardableResult
    package static func load(into session: Session, environment: [String: String]) -> Bool {
        guard let (path, named) = location(environment: environment) else { return true }
        if access(path, R_OK) != 0 {
            guard named else { return true }  // no file where one may be: nothing to do
            var err = BufferedOutput(fileDescriptor: 2, capacity: 0)
            err.write("complex-repl: cannot read the startup file '\(path)' (COMPLEX_REPL_STARTUP): \(String(cString: strerror(errno))); set COMPLEX_REPL_STARTUP= for none\n")
            err.flush()
            return false
        }
        let discard = open("/dev/null", O_WRONLY | O_CLOEXEC)
        defer { if discard >= 0 { close(discard) } }
        var runner = PipeRunner(session: session, output: discard >= 0 ? discard : 1)
        return runner.run(files: [path]) == 0
    }
}
