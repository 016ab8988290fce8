/// A line of plain arithmetic — numbers, `+ - * / ** ^`, signs and parentheses —
/// read in one loop with two stacks (operator precedence), each number and operation
/// handed to a `PlainArithmeticTarget` as it is met: operands first, left to right, the
/// postfix order of the line's tree, which is the order in which `Parser` appends its
/// nodes and the evaluator computes them. The tree is `Parser`'s: `**` binds tighter
/// than a sign on its left and takes a signed exponent (`-2**-2` is `-(2**(-2))`), and
/// is right-associative; `*` and `/`, then `+` and `-`, are left-associative.
///
/// Two targets: `PlainComputation` computes each operation at once, for a backend
/// that computes in-process (`pipelines` false), and `ScheduleRecorder` writes the
/// line's nodes and its scheduled calls straight into an `Evaluator`'s window, for one
/// that pipelines. Pipe mode's lines are mostly of this kind: building the tree and
/// walking it were a third of `local`'s instructions, and the tokens, the tree and the
/// scheduling pass after it half of the `shm` client's; a function a grammar rule, as
/// `Parser` reads, cost this reader 90 instructions a token in calls and returns.
///
/// A line this reader cannot take whole — a name, a syntax error, deep nesting — gives
/// nil and takes the general path (`Parser`), which reports it; what the target was
/// handed for it is the target's to drop. So that nothing the parser would refuse for
/// its depth is taken here, a line with `Parser.maximumDepth` signs, `(` and `**` in all,
/// nested or not, is left to the parser, which counts their nesting.
package enum PlainArithmetic<Target: PlainArithmeticTarget> {
    /// An operator waiting for its right operand, or a `(` for its `)`.
    struct Pending {
        /// `nil` for a `(`.
        var operation: MathOperation?
        /// Binds tighter the higher: `+ -` 1, `* /` 2, a sign 3, `**` 4.
        var precedence: Int
        /// Where its operator is in the line.
        var offset: Int
    }

    /// Reads `line` whole, handing its numbers and operations to `target`; the operand
    /// of the line's value, or nil when the line is not plain arithmetic from end to end.
    package static func read(_ line: UnsafeBufferPointer<UInt8>, into target: inout Target) -> Target.Operand? {
        withUnsafeTemporaryAllocation(of: Target.Operand.self, capacity: stackCapacity) { operands in
            withUnsafeTemporaryAllocation(of: Pending.self, capacity: stackCapacity) { pending in
                read(line, into: &target, operands: operands.baseAddress!, pending: pending.baseAddress!)
            }
        }
    }

    /// How many operands, and operators, may wait at once: more, and the line is left to
    /// the parser. Small, so that both stacks are on the machine's stack (a kilobyte at
    /// most each, or `withUnsafeTemporaryAllocation` mallocs), and far more than lines
    /// nest (an operator waits for each level of nesting to its right).
    static var stackCapacity: Int { 32 }

    static func read(
        _ bytes: UnsafeBufferPointer<UInt8>, into target: inout Target, operands: UnsafeMutablePointer<Target.Operand>,
        pending: UnsafeMutablePointer<Pending>
    ) -> Target.Operand? {
        var operandCount = 0, pendingCount = 0
        /// Signs, `(` and `**` so far: at least the depth `Parser` would count.
        var nesting = 0
        var position = 0

        /// Hands `target` the pending operations that bind tighter than one of
        /// `precedence` (as tight, for the left-associative levels), down to a `(`.
        func reduce(above precedence: Int) {
            while pendingCount > 0 {
                let top = pending[pendingCount - 1]
                guard let operation = top.operation, top.precedence > precedence || (top.precedence == precedence && precedence < 3)
                else { return }
                pendingCount -= 1
                if operation == .neg {
                    operands[operandCount - 1] = target.operation(.neg, operands[operandCount - 1], nil, at: top.offset)
                } else {
                    operandCount -= 1
                    operands[operandCount - 1] = target.operation(
                        operation, operands[operandCount - 1], operands[operandCount], at: top.offset)
                }
            }
        }

        while true {
            // An operand: the signs and `(` before a number, then the number.
            operand: while true {
                while position < bytes.count, bytes[position] == 0x20 || bytes[position] == 0x09 || bytes[position] == 0x0D {
                    position += 1
                }
                guard position < bytes.count, nesting < Parser.maximumDepth, pendingCount < stackCapacity, operandCount < stackCapacity
                else { return nil }
                switch bytes[position] {
                case UInt8(ascii: "-"):
                    pending[pendingCount] = Pending(operation: .neg, precedence: 3, offset: position)
                    pendingCount += 1
                case UInt8(ascii: "+"):
                    break  // the identity, as in `Parser`: no node
                case UInt8(ascii: "("):
                    pending[pendingCount] = Pending(operation: nil, precedence: 0, offset: position)
                    pendingCount += 1
                case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."):
                    // The number's grammar is the lexer's, in one place: its common shapes
                    // in one pass, any other in full.
                    let number: Double, imaginary: Bool
                    if let common = Lexer.commonNumber(bytes, at: position) {
                        (number, imaginary, position) = common
                    } else {
                        var lexer = Lexer(bytes)
                        lexer.position = position
                        guard let token = try? lexer.number() else { return nil }
                        (number, imaginary, position) = (token.number, token.kind == .imaginary, lexer.position)
                    }
                    operands[operandCount] = target.literal(imaginary ? .complex(ComplexNumber(0, number)) : .real(number))
                    operandCount += 1
                    break operand
                default:
                    return nil
                }
                nesting += 1
                position += 1
            }
            // An operator, a `)`, or the end.
            while true {
                while position < bytes.count, bytes[position] == 0x20 || bytes[position] == 0x09 || bytes[position] == 0x0D {
                    position += 1
                }
                guard position < bytes.count, bytes[position] != UInt8(ascii: "#") else {
                    reduce(above: 0)
                    return pendingCount == 0 ? operands[0] : nil  // else an unclosed `(`
                }
                let offset = position
                let operation: MathOperation, precedence: Int
                switch bytes[position] {
                case UInt8(ascii: ")"):
                    reduce(above: 0)
                    guard pendingCount > 0 else { return nil }  // unmatched
                    pendingCount -= 1
                    position += 1
                    continue
                case UInt8(ascii: "+"): (operation, precedence) = (.add, 1)
                case UInt8(ascii: "-"): (operation, precedence) = (.sub, 1)
                case UInt8(ascii: "/"): (operation, precedence) = (.div, 2)
                case UInt8(ascii: "^"): (operation, precedence) = (.pow, 4)
                case UInt8(ascii: "*"):
                    if position + 1 < bytes.count, bytes[position + 1] == UInt8(ascii: "*") {
                        (operation, precedence) = (.pow, 4)
                        position += 1
                    } else {
                        (operation, precedence) = (.mul, 2)
                    }
                default:
                    return nil  // a number or a name after an operand, `,`, `=`, …
                }
                reduce(above: precedence)
                guard pendingCount < stackCapacity else { return nil }
                pending[pendingCount] = Pending(operation: operation, precedence: precedence, offset: offset)
                pendingCount += 1
                if precedence == 4 { nesting += 1 }
                position += 1
                break
            }
        }
    }
}
