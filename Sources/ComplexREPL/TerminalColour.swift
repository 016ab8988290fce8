/// Whether to colour what goes to a terminal, as clang and swiftc decide for their
/// diagnostics: only on a terminal, not with `NO_COLOR` set to anything but the empty
/// string (no-color.org), not on a `dumb` terminal. The REPL's errors and `:plot`'s
/// pictures both follow it.
enum TerminalColour {
    /// Why there is no colour, or nil when there is.
    static func offReason(isTerminal: Bool, environment: [String: String]) -> String? {
        if !isTerminal { return "the output is not a terminal" }
        if !(environment["NO_COLOR"] ?? "").isEmpty { return "colour is off (NO_COLOR is set)" }
        if environment["TERM"] == "dumb" { return "colour is off (TERM=dumb)" }
        return nil
    }
}
