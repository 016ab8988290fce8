import ComplexLanguage

/// Computes every operation in this process: the baseline the transports are measured against.
package final class LocalBackend: Backend, RegisteredBackend {
    package static let registryName = "local"
    package static let help = "in-process; no server needed"
    package static let argumentKind: BackendArgumentKind? = nil

    package var name: String { Self.registryName }
    package var summary: String { "local (in-process)" }
    /// It keeps no state: each answer is CPython's arithmetic on the operands alone.
    package var allowsConcurrentCalls: Bool { true }

    package init() {}

    package static func make(_ configuration: BackendConfiguration) throws(BackendError) -> any Backend {
        if let argument = configuration.argument {
            throw BackendError.invalidArgument(backend: registryName, argument: argument, hint: "the local backend takes no argument")
        }
        return LocalBackend()
    }

    @inlinable
    package func apply(_ operation: MathOperation, _ a: Value, _ b: Value?) throws(OperationError) -> Value {
        try operation.perform(a, b)
    }
}
