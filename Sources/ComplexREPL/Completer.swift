import ComplexBackends
import ComplexLanguage

/// Tab completion: functions, built in and the user's (inserted with their `(`),
/// constants, variables, meta-commands, and backend names after `:backend`.
package struct Completer {
    package init() {}

    /// The word being completed: where it starts in `line` (text before the cursor).
    package static func wordStart(in line: String) -> String.Index {
        var index = line.endIndex
        while index > line.startIndex {
            let previous = line.index(before: index)
            let c = line[previous]
            guard c.isLetter || c.isNumber || c == "_" || c == ":" else { break }
            index = previous
        }
        return index
    }

    /// Candidates (as they should be inserted in full) for the text before the cursor.
    package func candidates(for line: String, variables: [String], functions: [String] = []) -> [String] {
        let start = Self.wordStart(in: line)
        let word = String(line[start...])
        let before = line[..<start].trimmingWhitespace()
        if before == ":backend" {
            return BackendRegistry.names.filter { $0.hasPrefix(word) }.map { $0 + " " }
        }
        if word.hasPrefix(":") {
            guard before.isEmpty else { return [] }
            return MetaCommand.words.filter { $0.hasPrefix(word) }
        }
        guard let first = word.first, first.isLetter || first == "_" else { return [] }
        var result: [String] = []
        result += (MathOperation.functionNames + functions.sorted()).filter { $0.hasPrefix(word) }.map { $0 + "(" }
        result += Parser.constants.keys.sorted().filter { $0.hasPrefix(word) }
        result += (variables + ["ans"]).sorted().filter { $0.hasPrefix(word) }
        return result
    }

    /// The longest prefix shared by all candidates.
    package static func commonPrefix(_ candidates: [String]) -> String {
        guard var prefix = candidates.first else { return "" }
        for candidate in candidates.dropFirst() {
            while !candidate.hasPrefix(prefix) { prefix.removeLast() }
        }
        return prefix
    }
}
