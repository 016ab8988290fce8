/// Parses one line into a `SyntaxTree`, with Python's precedence:
///
///     statement  := name '=' expression | expression | (empty)
///     expression := term (('+' | '-') term)*
///     term       := factor (('*' | '/') factor)*
///     factor     := ('+' | '-') factor | power
///     power      := primary (('**' | '^') factor)?        right-associative
///     primary    := number | name | function '(' arguments ')' | '(' expression ')'
///     arguments  := expression (',' expression)?
///
/// Nesting is bounded (`maximumDepth`) so deep input gets an error, not a stack overflow.
public struct Parser {
    /// How deeply parentheses, unary signs and exponents may nest.
    public static let maximumDepth = 500

    /// Names that always mean the same number: cmath's constants.
    public static let constants: [String: Value] = [
        "pi": .real(.pi), "e": .real(2.718281828459045), "tau": .real(6.283185307179586),
        "inf": .real(.infinity), "nan": .real(.nan),
        "infj": .complex(ComplexNumber(0, .infinity)), "nanj": .complex(ComplexNumber(0, .nan)),
    ]

    var lexer: Lexer
    var token: Token
    var depth = 0
    var tree: SyntaxTree
    let bytes: UnsafeBufferPointer<UInt8>

    /// Parses `line` into `tree`, reusing its storage.
    public static func parse(_ line: UnsafeBufferPointer<UInt8>, into tree: inout SyntaxTree) throws(Diagnostic) {
        tree.nodes.removeAll(keepingCapacity: true)
        tree.statement = .empty
        tree.statement = try parse(line, appendingTo: &tree.nodes)
    }

    /// Parses `line` and appends its nodes to `nodes`, whose earlier nodes are other
    /// lines' (operands index the whole array); returns what the line asks for. On an
    /// error nothing is appended.
    package static func parse(_ line: UnsafeBufferPointer<UInt8>, appendingTo nodes: inout [SyntaxTree.Node]) throws(Diagnostic) -> SyntaxTree.Statement {
        let base = nodes.count
        var parser = Parser(line, tree: SyntaxTree())
        swap(&parser.tree.nodes, &nodes)  // the parser holds the only reference: no copy on append
        defer { swap(&parser.tree.nodes, &nodes) }
        do {
            try parser.parseStatement()
        } catch {
            parser.tree.nodes.removeSubrange(base...)
            throw error
        }
        return parser.tree.statement
    }

    /// Parses a `String`, for tests and one-off use.
    public static func parse(_ line: String) throws(Diagnostic) -> SyntaxTree {
        var tree = SyntaxTree()
        try line.withUTF8Bytes { (buffer) throws(Diagnostic) in try parse(buffer, into: &tree) }
        return tree
    }

    init(_ bytes: UnsafeBufferPointer<UInt8>, tree: SyntaxTree) {
        self.bytes = bytes
        self.lexer = Lexer(bytes)
        self.token = Token(.end, 0, 0)
        self.tree = tree
    }

    mutating func advance() throws(Diagnostic) {
        token = try lexer.next()
    }

    func text(_ t: Token) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[t.start..<t.end]), as: UTF8.self)
    }

    mutating func append(_ node: SyntaxTree.Node) -> Int {
        tree.nodes.append(node)
        return tree.nodes.count - 1
    }

    mutating func parseStatement() throws(Diagnostic) {
        try advance()
        if token.kind == .end { return }
        // `name =` starts an assignment; look ahead one token without committing.
        if token.kind == .identifier {
            var probe = lexer
            if let next = try? probe.next(), next.kind == .equals {
                let nameToken = token
                let name = text(nameToken)
                try Self.checkAssignable(name, at: nameToken.start)
                lexer = probe
                try advance()
                if token.kind == .end {
                    throw Diagnostic("expected an expression after '='", at: token.start)
                }
                _ = try parseExpression()
                try expectEnd()
                tree.statement = .assignment(name)
                return
            }
        }
        _ = try parseExpression()
        try expectEnd()
        tree.statement = .expression
    }

    static func checkAssignable(_ name: String, at offset: Int) throws(Diagnostic) {
        if constants[name] != nil {
            throw Diagnostic("cannot assign to '\(name)': it is a constant", at: offset)
        }
        if MathOperation.function(named: name) != nil {
            throw Diagnostic("cannot assign to '\(name)': it is a function", at: offset)
        }
        if name == "ans" || name == "_" {
            throw Diagnostic("cannot assign to '\(name)': it holds the last result", at: offset)
        }
    }

    mutating func expectEnd() throws(Diagnostic) {
        switch token.kind {
        case .end:
            return
        case .number, .imaginary, .identifier, .leftParen:
            throw Diagnostic(
                "expected an operator before \(token.kind.spelling) (there is no implicit multiplication: write a*b)",
                at: token.start)
        case .rightParen:
            throw Diagnostic("unmatched ')'", at: token.start)
        case .equals:
            throw Diagnostic("'=' can only follow a variable name at the start of a line", at: token.start)
        default:
            throw Diagnostic("unexpected \(token.kind.spelling)", at: token.start)
        }
    }

    mutating func parseExpression() throws(Diagnostic) -> Int {
        var lhs = try parseTerm()
        while token.kind == .plus || token.kind == .minus {
            let op: MathOperation = token.kind == .plus ? .add : .sub
            let offset = token.start
            try advance()
            let rhs = try parseTerm()
            lhs = append(.operation(op, lhs: lhs, rhs: rhs, offset: offset))
        }
        return lhs
    }

    mutating func parseTerm() throws(Diagnostic) -> Int {
        var lhs = try parseFactor()
        while token.kind == .star || token.kind == .slash {
            let op: MathOperation = token.kind == .star ? .mul : .div
            let offset = token.start
            try advance()
            let rhs = try parseFactor()
            lhs = append(.operation(op, lhs: lhs, rhs: rhs, offset: offset))
        }
        return lhs
    }

    mutating func parseFactor() throws(Diagnostic) -> Int {
        depth += 1
        defer { depth -= 1 }
        if depth > Self.maximumDepth {
            throw Diagnostic("expression nested too deeply (more than \(Self.maximumDepth) levels)", at: token.start)
        }
        switch token.kind {
        case .plus:
            try advance()
            return try parseFactor()  // unary plus is the identity, as for Python's floats
        case .minus:
            let offset = token.start
            try advance()
            let operand = try parseFactor()
            return append(.operation(.neg, lhs: operand, rhs: nil, offset: offset))
        default:
            return try parsePower()
        }
    }

    mutating func parsePower() throws(Diagnostic) -> Int {
        let base = try parsePrimary()
        guard token.kind == .power else { return base }
        let offset = token.start
        try advance()
        let exponent = try parseFactor()
        return append(.operation(.pow, lhs: base, rhs: exponent, offset: offset))
    }

    mutating func parsePrimary() throws(Diagnostic) -> Int {
        let t = token
        switch t.kind {
        case .number:
            try advance()
            return append(.literal(.real(t.number)))
        case .imaginary:
            try advance()
            return append(.literal(.complex(ComplexNumber(0, t.number))))
        case .identifier:
            let name = text(t)
            try advance()
            if token.kind == .leftParen {
                return try parseCall(name, at: t.start)
            }
            if let constant = Self.constants[name] {
                return append(.literal(constant))
            }
            if MathOperation.function(named: name) != nil {
                throw Diagnostic("'\(name)' is a function: call it as \(name)(x)", at: t.start)
            }
            return append(.name(name, offset: t.start))
        case .leftParen:
            try advance()
            let inner = try parseExpression()
            guard token.kind == .rightParen else {
                throw Diagnostic("expected ')' to close the '(' at column \(Diagnostic("", at: t.start).column(in: bytes)), found \(token.kind.spelling)", at: token.start)
            }
            try advance()
            return inner
        case .end:
            throw Diagnostic("incomplete expression: expected a number, a name or '(' at the end of the line", at: t.start)
        default:
            throw Diagnostic("expected a number, a name or '(', found \(t.kind.spelling)", at: t.start)
        }
    }

    mutating func parseCall(_ name: String, at offset: Int) throws(Diagnostic) -> Int {
        guard let function = MathOperation.function(named: name) else {
            if Self.constants[name] != nil {
                throw Diagnostic("'\(name)' is a constant, not a function (there is no implicit multiplication: write \(name)*(...))", at: offset)
            }
            throw Diagnostic("unknown function '\(name)' (\(MathOperation.functionNames.joined(separator: " ")); there is no implicit multiplication: write \(name)*(...))", at: offset)
        }
        try advance()  // '('
        if token.kind == .rightParen {
            throw Diagnostic("\(name)() takes \(function.aritySpelling) argument\(function.arity.upperBound == 1 ? "" : "s") (0 given)", at: token.start)
        }
        let first = try parseExpression()
        var second: Int?
        if token.kind == .comma {
            let comma = token
            try advance()
            guard function.arity.upperBound == 2 else {
                throw Diagnostic("\(name)() takes 1 argument (2 or more given)", at: comma.start)
            }
            second = try parseExpression()
            if token.kind == .comma {
                throw Diagnostic("\(name)() takes \(function.aritySpelling) arguments (3 or more given)", at: token.start)
            }
        }
        guard token.kind == .rightParen else {
            throw Diagnostic("expected ')' to close the call of \(name), found \(token.kind.spelling)", at: token.start)
        }
        if second == nil && function.arity.lowerBound == 2 {
            throw Diagnostic("\(name)() takes 2 arguments (1 given)", at: token.start)
        }
        try advance()
        return append(.operation(function, lhs: first, rhs: second, offset: offset))
    }
}
