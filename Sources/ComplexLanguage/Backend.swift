/// Where the evaluator's operations are computed.
///
/// The evaluator hands every operation to its backend, so that the cost of a transport
/// (in-process, Unix socket, HTTP, FFI) shows per operation. It hands over every
/// operation whose operands are known at once, as a batch: a socket backend puts them
/// all in flight, an in-process one loops. Backends are used from one thread at a time,
/// unless they say otherwise (`allowsConcurrentCalls`).
public protocol Backend: AnyObject {
    /// The registered name, e.g. `local`.
    var name: String { get }
    /// Where the operations go, for `:backend`, e.g. `ipc (/run/user/0/complex-repl.sock)`.
    var summary: String { get }
    /// True when operations in flight together cost less than one after another (a
    /// socket backend): the evaluator then hands them over in batches. Otherwise it
    /// calls `apply` for each operation as soon as its operands are known, and, for a
    /// line of plain arithmetic, as soon as the line is read that far
    /// (`PlainComputation`): a line found malformed further on drops what was computed
    /// for it. So a backend that does not pipeline computes in-process, where an
    /// answer dropped is an answer no one sees.
    var pipelines: Bool { get }
    /// True when `apply` may be called from several threads at once, and what each call
    /// computes does not depend on which thread makes it or in what order: an in-process
    /// backend that keeps no state. Pipe mode then evaluates a window's lines of plain
    /// arithmetic on several threads (`complex-repl --threads`). False by default: a
    /// backend that holds a connection, or calls a library nobody vouched for, is used
    /// from one thread.
    var allowsConcurrentCalls: Bool { get }
    /// Computes `operation` on `a` (and `b` for binary operations).
    func apply(_ operation: MathOperation, _ a: Value, _ b: Value?) throws(OperationError) -> Value
    /// Computes independent operations: `results` is replaced by one answer per call,
    /// in the calls' order. A backend that loses its server answers each call it could
    /// not complete with `.backendFailure`.
    func apply(_ calls: [OperationCall], into results: inout [Result<Value, OperationError>])
    /// Computes `count` independent operations as `apply(_:into:)` does, without the
    /// arrays: `call(i)` is the i-th, and `answer(i, result)` is called once for each,
    /// in order. The evaluator hands a round of plain lines over this way, reading the
    /// operands from where it keeps them and putting each answer in place; the default
    /// gathers the calls into an array for `apply(_:into:)`.
    func apply(count: Int, call: (Int) -> OperationCall, answer: (Int, Result<Value, OperationError>) -> Void)
}

extension Backend {
    public var pipelines: Bool { false }
    public var allowsConcurrentCalls: Bool { false }

    public func apply(count: Int, call: (Int) -> OperationCall, answer: (Int, Result<Value, OperationError>) -> Void) {
        var results: [Result<Value, OperationError>] = []
        apply((0..<count).map(call), into: &results)
        for index in 0..<count {
            answer(index, result(index, of: results))
        }
    }

    /// Call `index`'s answer in what the batch `apply` gave: a backend that answered
    /// fewer calls than it was given fails the rest.
    package func result(_ index: Int, of results: [Result<Value, OperationError>]) -> Result<Value, OperationError> {
        index < results.count ? results[index] : .failure(.backendFailure("\(name): no answer for this operation"))
    }

    /// One call after another: what an in-process backend does.
    public func apply(_ calls: [OperationCall], into results: inout [Result<Value, OperationError>]) {
        results.removeAll(keepingCapacity: true)
        for call in calls {
            do throws(OperationError) {
                results.append(.success(try apply(call.operation, call.a, call.b)))
            } catch {
                results.append(.failure(error))
            }
        }
    }
}
