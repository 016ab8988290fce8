import ComplexLanguage

/// Computes every operation in this process: the baseline the transports are measured against.
public final class LocalBackend: Backend, RegisteredBackend {
    public static let registryName = "local"
    public static let help = "in-process; no server needed"
    public static let argumentKind: BackendArgumentKind? = nil

    public var name: String { Self.registryName }
    public var summary: String { "local (in-process)" }

    public init() {}

    public static func make(_ configuration: BackendConfiguration) throws(BackendError) -> any Backend {
        if let argument = configuration.argument {
            throw BackendError.invalidArgument(backend: registryName, argument: argument, hint: "the local backend takes no argument")
        }
        return LocalBackend()
    }

    @inlinable
    public func apply(_ operation: MathOperation, _ a: Value, _ b: Value?) throws(OperationError) -> Value {
        try operation.perform(a, b)
    }
}
