/// A line of plain arithmetic — numbers, `+ - * / ** ^`, signs and parentheses —
/// evaluated as it is parsed, for a backend that computes in-process (`pipelines`
/// false): no tree, no window bookkeeping. Pipe mode's lines are mostly of this kind,
/// and building the tree and walking it were a third of `local`'s instructions.
///
/// The answers are the general path's exactly (`Parser`, then `Evaluator`): the backend
/// computes the same operations in the same order, as the parser appends their nodes
/// (operands first, left to right), and a line's error is its first failing operation,
/// after which nothing more is computed. A line with a name is declined before any
/// operation; one this reader finds it cannot take whole further on — a syntax error,
/// nesting past `Parser.maximumDepth` — gives nil and takes the general path, which
/// reports it, and what was computed for it before is dropped (`Backend.pipelines`
/// says why no one sees that).
package struct PlainArithmetic {
    var lexer: Lexer
    var token = Token(.end, 0, 0)
    let backend: any Backend
    /// The line's first failing operation; nothing is computed after it.
    var failure: Diagnostic?
    var depth = 0

    /// The line's value or its first operation's error; nil when the line is not plain
    /// arithmetic from end to end (then no operation has been sent).
    package static func evaluate(_ line: UnsafeBufferPointer<UInt8>, backend: any Backend) -> Result<Value, Diagnostic>? {
        guard hasNoNames(line) else { return nil }
        var reader = PlainArithmetic(lexer: Lexer(line), backend: backend)
        guard reader.advance(), reader.token.kind != .end, let value = reader.expression(), reader.token.kind == .end else {
            return nil
        }
        if let failure = reader.failure { return .failure(failure) }
        return .success(value)
    }

    /// False when a letter stands where only a name can (a letter is a number's only
    /// after a digit or a point: `1e5`, `2j`, `.5J`): such a line is declined before
    /// anything is computed, so `sqrt(4) + x` costs no operation twice. (A comment's
    /// letters decline its line too: the general path takes it.)
    static func hasNoNames(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        var previous: UInt8 = 0x20
        for byte in line {
            let lower = byte | 0x20
            if lower &- UInt8(ascii: "a") < 26 || byte == UInt8(ascii: "_") {
                guard lower == UInt8(ascii: "e") || lower == UInt8(ascii: "j") || lower == UInt8(ascii: "i"),
                      previous &- UInt8(ascii: "0") < 10 || previous == UInt8(ascii: ".") else { return false }
            }
            previous = byte
        }
        return true
    }

    init(lexer: Lexer, backend: any Backend) {
        self.lexer = lexer
        self.backend = backend
    }

    mutating func advance() -> Bool {
        do throws(Diagnostic) {
            token = try lexer.next()
            return true
        } catch {
            return false
        }
    }

    /// The backend's answer, or, after the line's first failure, nothing computed.
    mutating func apply(_ operation: MathOperation, _ a: Value, _ b: Value?, at offset: Int) -> Value {
        guard failure == nil else { return a }
        do throws(OperationError) {
            return try backend.apply(operation, a, b)
        } catch {
            failure = Diagnostic(error.message, at: offset)
            return a
        }
    }

    mutating func expression() -> Value? {
        guard var lhs = term() else { return nil }
        while token.kind == .plus || token.kind == .minus {
            let operation: MathOperation = token.kind == .plus ? .add : .sub
            let offset = token.start
            guard advance(), let rhs = term() else { return nil }
            lhs = apply(operation, lhs, rhs, at: offset)
        }
        return lhs
    }

    mutating func term() -> Value? {
        guard var lhs = factor() else { return nil }
        while token.kind == .star || token.kind == .slash {
            let operation: MathOperation = token.kind == .star ? .mul : .div
            let offset = token.start
            guard advance(), let rhs = factor() else { return nil }
            lhs = apply(operation, lhs, rhs, at: offset)
        }
        return lhs
    }

    mutating func factor() -> Value? {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Parser.maximumDepth else { return nil }
        switch token.kind {
        case .plus:
            guard advance() else { return nil }
            return factor()  // the identity, as in `Parser`
        case .minus:
            let offset = token.start
            guard advance(), let operand = factor() else { return nil }
            return apply(.neg, operand, nil, at: offset)
        default:
            guard let base = primary() else { return nil }
            guard token.kind == .power else { return base }
            let offset = token.start
            guard advance(), let exponent = factor() else { return nil }
            return apply(.pow, base, exponent, at: offset)
        }
    }

    mutating func primary() -> Value? {
        let literal = token
        switch literal.kind {
        case .number:
            guard advance() else { return nil }
            return .real(literal.number)
        case .imaginary:
            guard advance() else { return nil }
            return .complex(ComplexNumber(0, literal.number))
        case .leftParen:
            guard advance(), let inner = expression(), token.kind == .rightParen, advance() else { return nil }
            return inner
        default:
            return nil
        }
    }
}
