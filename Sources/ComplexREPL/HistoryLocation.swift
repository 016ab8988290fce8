/// Where the REPL keeps its history file.
package enum HistoryLocation {
    /// `$COMPLEX_REPL_HISTORY` (empty: no history), else
    /// `$XDG_STATE_HOME/complex-repl/history`, else `~/.local/state/complex-repl/history`.
    package static func path(environment: [String: String]) -> String? {
        if let explicit = environment["COMPLEX_REPL_HISTORY"] {
            return explicit.isEmpty ? nil : explicit
        }
        if let state = environment["XDG_STATE_HOME"], state.hasPrefix("/") {
            return state + "/complex-repl/history"
        }
        guard let home = environment["HOME"], !home.isEmpty else { return nil }
        return home + "/.local/state/complex-repl/history"
    }
}
