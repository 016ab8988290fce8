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
    /// The line; its numbers are read by `lexer` (their grammar is the lexer's, in one
    /// place), everything else here, byte by byte: a token made and handed back for
    /// every operator and parenthesis was a third of `local`'s instructions per line.
    let bytes: UnsafeBufferPointer<UInt8>
    var lexer: Lexer
    /// The current token: what it is, where it starts, and a number's value.
    var kind = Kind.end
    var start = 0
    var number = 0.0
    let backend: any Backend
    /// The line's first failing operation; nothing is computed after it.
    var failure: Diagnostic?
    var depth = 0

    /// The tokens of plain arithmetic.
    enum Kind {
        case number, imaginary, plus, minus, star, slash, power, leftParen, rightParen, end
    }

    /// The line's value or its first operation's error; nil when the line is not plain
    /// arithmetic from end to end (then no operation has been sent).
    package static func evaluate(_ line: UnsafeBufferPointer<UInt8>, backend: any Backend) -> Result<Value, Diagnostic>? {
        guard hasNoNames(line) else { return nil }
        var reader = PlainArithmetic(bytes: line, backend: backend)
        guard reader.advance(), reader.kind != .end, let value = reader.expression(), reader.kind == .end else {
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
            // Digits, spaces, operators, parentheses and the point are all below 'A'.
            if byte >= UInt8(ascii: "A") {
                let lower = byte | 0x20
                if lower &- UInt8(ascii: "a") < 26 || byte == UInt8(ascii: "_") {
                    guard lower == UInt8(ascii: "e") || lower == UInt8(ascii: "j") || lower == UInt8(ascii: "i"),
                          previous &- UInt8(ascii: "0") < 10 || previous == UInt8(ascii: ".") else { return false }
                }
            }
            previous = byte
        }
        return true
    }

    init(bytes: UnsafeBufferPointer<UInt8>, backend: any Backend) {
        self.bytes = bytes
        self.lexer = Lexer(bytes)
        self.backend = backend
    }

    /// Reads the next token as `Lexer.next` reads it; false where the lexer would find
    /// an error, or a token plain arithmetic has no place for (a name, `,`, `=`): the
    /// line is declined.
    mutating func advance() -> Bool {
        var position = lexer.position
        while position < bytes.count, bytes[position] == 0x20 || bytes[position] == 0x09 || bytes[position] == 0x0D {
            position += 1
        }
        start = position
        guard position < bytes.count else {
            kind = .end
            return true
        }
        lexer.position = position + 1
        switch bytes[position] {
        case UInt8(ascii: "+"): kind = .plus
        case UInt8(ascii: "-"): kind = .minus
        case UInt8(ascii: "/"): kind = .slash
        case UInt8(ascii: "^"): kind = .power
        case UInt8(ascii: "("): kind = .leftParen
        case UInt8(ascii: ")"): kind = .rightParen
        case UInt8(ascii: "*"):
            if position + 1 < bytes.count, bytes[position + 1] == UInt8(ascii: "*") {
                lexer.position = position + 2
                kind = .power
            } else {
                kind = .star
            }
        case UInt8(ascii: "#"):
            lexer.position = bytes.count
            kind = .end
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."):
            lexer.position = position
            do throws(Diagnostic) {
                let token = try lexer.number()
                kind = token.kind == .imaginary ? .imaginary : .number
                number = token.number
            } catch {
                return false
            }
        default:
            return false
        }
        return true
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
        while kind == .plus || kind == .minus {
            let operation: MathOperation = kind == .plus ? .add : .sub
            let offset = start
            guard advance(), let rhs = term() else { return nil }
            lhs = apply(operation, lhs, rhs, at: offset)
        }
        return lhs
    }

    mutating func term() -> Value? {
        guard var lhs = factor() else { return nil }
        while kind == .star || kind == .slash {
            let operation: MathOperation = kind == .star ? .mul : .div
            let offset = start
            guard advance(), let rhs = factor() else { return nil }
            lhs = apply(operation, lhs, rhs, at: offset)
        }
        return lhs
    }

    mutating func factor() -> Value? {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Parser.maximumDepth else { return nil }
        switch kind {
        case .plus:
            guard advance() else { return nil }
            return factor()  // the identity, as in `Parser`
        case .minus:
            let offset = start
            guard advance(), let operand = factor() else { return nil }
            return apply(.neg, operand, nil, at: offset)
        default:
            guard let base = primary() else { return nil }
            guard kind == .power else { return base }
            let offset = start
            guard advance(), let exponent = factor() else { return nil }
            return apply(.pow, base, exponent, at: offset)
        }
    }

    mutating func primary() -> Value? {
        switch kind {
        case .number:
            let value = number
            guard advance() else { return nil }
            return .real(value)
        case .imaginary:
            let value = number
            guard advance() else { return nil }
            return .complex(ComplexNumber(0, value))
        case .leftParen:
            guard advance(), let inner = expression(), kind == .rightParen, advance() else { return nil }
            return inner
        default:
            return nil
        }
    }
}
