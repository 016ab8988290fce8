/// What `PlainArithmetic` hands the numbers and operations of a line to, in the order
/// it meets them (operands first, left to right).
package protocol PlainArithmeticTarget {
    /// What stands for a number or an operation's result: a value computed at once, or
    /// where one will be.
    associatedtype Operand

    /// A number of the line.
    mutating func literal(_ value: Value) -> Operand

    /// An operation on operands met before it (`b` nil for a unary one); `offset`
    /// locates its operator in the line.
    mutating func operation(_ operation: MathOperation, _ a: Operand, _ b: Operand?, at offset: Int) -> Operand
}
