/// Where the evaluator's operations are computed.
///
/// The evaluator hands every operation to its backend, one at a time, so that the cost
/// of a transport (in-process, Unix socket, HTTP, FFI) shows per operation. Backends
/// are used from one thread at a time.
public protocol Backend: AnyObject {
    /// The registered name, e.g. `local`.
    var name: String { get }
    /// Where the operations go, for `:backend`, e.g. `ipc (/run/user/0/complex-repl.sock)`.
    var summary: String { get }
    /// Computes `operation` on `a` (and `b` for binary operations).
    func apply(_ operation: Operation, _ a: Value, _ b: Value?) throws(OperationError) -> Value
}
