import ComplexLanguage
import Glibc

/// Sends every operation to a child process over its stdin and stdout, in the socket's
/// protocol (one JSON line each way, many in flight, replies in order): how language
/// servers and tools are plugged in, with no daemon, socket file or port. Any program
/// in any language that reads request lines and writes reply lines will do
/// (`examples/stdio/`); by default it is `complex-server --stdio`, found beside
/// complex-repl.
///
/// The child is started on the first operation and kept for the session (`ChildProcess`
/// says how it ends). One that dies, hangs past the reply deadline, writes what is not
/// the protocol or stops reading fails each affected line with an error naming the
/// command and how it ended, and the next operation starts a new one.
package final class StdioBackend: Backend, RegisteredBackend {
    package static let registryName = "stdio"
    package static let help = "a child process speaking the socket's protocol on its stdin and stdout; ARG: the command (default: complex-server --stdio)"
    package static let argumentKind: BackendArgumentKind? = .command

    package var name: String { Self.registryName }
    package var summary: String { "stdio (\(command))" }
    package var pipelines: Bool { true }

    /// The command as the user gave it.
    let command: String
    let connection: ServerConnection<LineFraming>

    init(command: String, arguments: [String], configuration: BackendConfiguration) {
        self.command = command
        self.connection = ServerConnection(
            backend: Self.registryName, address: command, framing: LineFraming(),
            depth: configuration.depth, policy: ClientPolicy(environment: configuration.environment),
            peer: "the command \(command)", recovery: "the next operation starts it again"
        ) { () throws(OperationError) in
            try ChildProcess.start(arguments, command: command, replyTimeoutSeconds: ClientPolicy.replyTimeoutSeconds)
        }
    }

    package static func make(_ configuration: BackendConfiguration) throws(BackendError) -> any Backend {
        if let command = configuration.argument, !command.allSatisfy(\.isWhitespace) {
            // Through the shell, as the user would type it (quotes, variables, ~), and
            // `exec`, so the child is the command itself and signals reach it.
            return StdioBackend(command: command, arguments: ["/bin/sh", "-c", "exec " + command], configuration: configuration)
        }
        guard let directory = configuration.executableDirectory, access(directory + "/complex-server", X_OK) == 0 else {
            throw .unavailable(backend: registryName,
                               reason: "complex-server was not found beside complex-repl; give a command: --backend stdio --command 'python3 worker.py'")
        }
        return StdioBackend(command: "complex-server --stdio", arguments: [directory + "/complex-server", "--stdio"], configuration: configuration)
    }

    package func apply(_ operation: MathOperation, _ a: Value, _ b: Value?) throws(OperationError) -> Value {
        try connection.call(OperationCall(operation, a, b))
    }

    package func apply(_ calls: [OperationCall], into results: inout [Result<Value, OperationError>]) {
        connection.call(calls, into: &results)
    }

    package func apply(count: Int, call: (Int) -> OperationCall, answer: (Int, Result<Value, OperationError>) -> Void) {
        connection.exchange(count: count, call: call, answer: answer)
    }
}
