/// One operation and its operands, as the evaluator hands a batch of them to a backend.
public struct OperationCall: Sendable, Equatable {
    public var operation: MathOperation
    public var a: Value
    /// The second operand of a binary operation.
    public var b: Value?

    @inlinable
    public init(_ operation: MathOperation, _ a: Value, _ b: Value?) {
        self.operation = operation
        self.a = a
        self.b = b
    }
}
