import ComplexBackends
import ComplexPlot

/// A meta-command that could not be carried out.
package enum SessionError: Error, Sendable, Equatable, CustomStringConvertible {
    case unknownCommand(String)
    case badArguments(String, String)
    case backend(BackendError)
    case plot(PlotError)

    package var description: String {
        switch self {
        case .unknownCommand(let word):
            return "unknown command '\(word)'; commands: \(MetaCommand.words.joined(separator: " ")) (:help explains them)"
        case .badArguments(let word, let problem):
            return "\(word) \(problem)"
        case .backend(let error):
            return error.description
        case .plot(let error):
            return ":plot: \(error.description)"
        }
    }
}
