import Glibc

/// Parses one line into a `SyntaxTree`, with Python's precedence:
///
///     statement  := name '(' [name (',' name)*] ')' '=' expression
///                 | name '=' expression | expression | (empty)
///     expression := term (('+' | '-') term)*
///     term       := factor (('*' | '/') factor)*
///     factor     := ('+' | '-') factor | power
///     power      := primary (('**' | '^') factor)?        right-associative
///     primary    := number | name | function '(' arguments ')' | '(' expression ')'
///     arguments  := expression (',' expression)*
///
/// (`expression` and `term` are read by one function, `parseExpression`, and `power`
/// within `parseFactor`.) Nesting is bounded (`maximumDepth`) so deep input gets an
/// error, not a stack overflow.
/// A call of a user function is expanded in place, with the user's functions as they
/// are now (see `UserFunction`); a definition's body is kept unexpanded.
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
    /// Where the token before `token` ended.
    var previousEnd = 0
    var depth = 0
    var tree: SyntaxTree
    let bytes: UnsafeBufferPointer<UInt8>
    /// The user's functions, expanded at their calls; nil when there are none, which
    /// spares pipe mode a retain and a release per line.
    let functions: [String: UserFunction]?
    /// While parsing a definition's body: its parameters.
    var parameters: [String]?
    /// The first node of the line being parsed, for the expansion budget.
    var base = 0
    /// Set once an expansion appended a `.failure`: the rest of the line can never be
    /// evaluated, so nothing more is appended and every node reads as `deadNode`.
    var deadNode: Int?

    /// Parses `line` into `tree`, reusing its storage.
    public static func parse(_ line: UnsafeBufferPointer<UInt8>, functions: [String: UserFunction] = [:], into tree: inout SyntaxTree) throws(Diagnostic) {
        tree.nodes.removeAll(keepingCapacity: true)
        tree.strings.removeAll(keepingCapacity: true)
        tree.statement = .empty
        (tree.statement, tree.root, tree.definition) = try parse(line, functions: functions, appendingTo: &tree.nodes, strings: &tree.strings)
    }

    /// Parses `line` and appends its nodes to `nodes` and the names and messages they
    /// refer to to `strings`, whose earlier entries are other lines' (operands and
    /// names index the whole arrays); returns what the line asks for, the node of its
    /// value, and the function it defines. On an error nothing is appended.
    package static func parse(
        _ line: UnsafeBufferPointer<UInt8>, functions: [String: UserFunction]?, appendingTo nodes: inout [SyntaxTree.Node],
        strings: inout [String]
    ) throws(Diagnostic) -> (SyntaxTree.Statement, root: Int, definition: UserFunction?) {
        let base = nodes.count, stringBase = strings.count
        var parser = Parser(line, tree: SyntaxTree(), functions: functions)
        parser.base = base
        // The parser holds the only references: no copy on append.
        swap(&parser.tree.nodes, &nodes)
        swap(&parser.tree.strings, &strings)
        defer {
            swap(&parser.tree.nodes, &nodes)
            swap(&parser.tree.strings, &strings)
        }
        do {
            try parser.parseStatement()
        } catch {
            parser.tree.nodes.removeSubrange(base...)
            parser.tree.strings.removeSubrange(stringBase...)
            throw error
        }
        return (parser.tree.statement, parser.tree.root, parser.tree.definition)
    }

    /// Parses a `String`, for tests and one-off use.
    public static func parse(_ line: String, functions: [String: UserFunction] = [:]) throws(Diagnostic) -> SyntaxTree {
        var tree = SyntaxTree()
        try line.withUTF8Bytes { (buffer) throws(Diagnostic) in try parse(buffer, functions: functions, into: &tree) }
        return tree
    }

    /// True when `line` is a function definition, `name(…) =`: what it defines must be
    /// in place before the lines after it are parsed. Looks at tokens only.
    public static func definesFunction(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        // Most lines start with a number or '(': no lexing, no scan for '='.
        let first = Lexer.firstNonBlank(line)
        guard first < line.count, Lexer.isIdentifierStart(line[first]),
              memchr(line.baseAddress! + first, Int32(UInt8(ascii: "=")), line.count - first) != nil else { return false }
        var parser = Parser(line, tree: SyntaxTree(), functions: nil)
        guard (try? parser.advance()) != nil, parser.token.kind == .identifier else { return false }
        return parser.definitionFollows()
    }

    init(_ bytes: UnsafeBufferPointer<UInt8>, tree: SyntaxTree, functions: [String: UserFunction]?) {
        self.bytes = bytes
        self.lexer = Lexer(bytes)
        self.token = Token(.end, 0, 0)
        self.tree = tree
        self.functions = functions
    }

    mutating func advance() throws(Diagnostic) {
        previousEnd = token.end
        token = try lexer.next()
    }

    func text(_ t: Token) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[t.start..<t.end]), as: UTF8.self)
    }

    mutating func append(_ node: SyntaxTree.Node) -> Int {
        if let deadNode { return deadNode }
        tree.nodes.append(node)
        return tree.nodes.count - 1
    }

    /// Appends the node `make` makes of `string`'s index in the tree's `strings`.
    mutating func append(_ string: String, _ make: (Int) -> SyntaxTree.Node) -> Int {
        if let deadNode { return deadNode }
        tree.strings.append(string)
        return append(make(tree.strings.count - 1))
    }

    /// Appends a node that fails when reached; nothing after it is appended.
    mutating func appendFailure(_ message: String, at offset: Int) -> Int {
        let node = append(message) { .failure($0, offset: offset) }
        deadNode = node
        return node
    }

    mutating func parseStatement() throws(Diagnostic) {
        try advance()
        if token.kind == .end { return }
        if token.kind == .identifier && definitionFollows() {
            try parseDefinition()
            return
        }
        // `name =` starts an assignment; look ahead one token without committing.
        if token.kind == .identifier {
            var probe = lexer
            if let next = try? probe.next(), next.kind == .equals {
                let nameToken = token
                let name = text(nameToken)
                try checkAssignable(name, at: nameToken.start)
                lexer = probe
                try advance()
                if token.kind == .end {
                    throw Diagnostic("expected an expression after '='", at: token.start)
                }
                tree.root = try parseExpression()
                try expectEnd()
                tree.statement = .assignment(name)
                return
            }
        }
        tree.root = try parseExpression()
        try expectEnd()
        tree.statement = .expression
    }

    func checkAssignable(_ name: String, at offset: Int) throws(Diagnostic) {
        try Self.checkNotBuiltin(name, doing: "assign to '\(name)'", at: offset)
        if let function = functions?[name] {
            throw Diagnostic("cannot assign to '\(name)': it is a function (\(function.source)); choose another name", at: offset)
        }
    }

    /// Refuses a name the language keeps: a constant, a built-in function, `ans`, `_`.
    static func checkNotBuiltin(_ name: String, doing what: String, at offset: Int) throws(Diagnostic) {
        if constants[name] != nil {
            throw Diagnostic("cannot \(what): it is a constant", at: offset)
        }
        if MathOperation.function(named: name) != nil {
            throw Diagnostic("cannot \(what): it is a built-in function", at: offset)
        }
        if name == "ans" || name == "_" {
            throw Diagnostic("cannot \(what): it holds the last result", at: offset)
        }
    }

    /// With `token` a name: whether `(`, tokens up to the matching `)`, then `=` follow.
    func definitionFollows() -> Bool {
        var probe = lexer
        guard let open = try? probe.next(), open.kind == .leftParen else { return false }
        var level = 1
        while level > 0 {
            guard let next = try? probe.next() else { return false }
            switch next.kind {
            case .leftParen: level += 1
            case .rightParen: level -= 1
            case .end: return false
            default: break
            }
        }
        guard let after = try? probe.next() else { return false }
        return after.kind == .equals
    }

    /// `name(p, q) = expression`: the parameters must be distinct names the language
    /// does not keep; the body is parsed, its calls of user functions left unexpanded.
    mutating func parseDefinition() throws(Diagnostic) {
        let nameToken = token
        let name = text(nameToken)
        try Self.checkNotBuiltin(name, doing: "define '\(name)'", at: nameToken.start)
        try advance()  // '('
        try advance()
        var names: [String] = []
        while token.kind != .rightParen {
            if !names.isEmpty {
                guard token.kind == .comma else {
                    throw Diagnostic("expected ',' or ')' in the parameters of \(name), found \(token.kind.spelling)", at: token.start)
                }
                try advance()
            }
            guard token.kind == .identifier else {
                throw Diagnostic("a parameter is a name, as in \(name)(z, w) = z*w; found \(token.kind.spelling)", at: token.start)
            }
            let parameter = text(token)
            try Self.checkNotBuiltin(parameter, doing: "name a parameter '\(parameter)'", at: token.start)
            if names.contains(parameter) {
                throw Diagnostic("duplicate parameter '\(parameter)' in the definition of \(name)", at: token.start)
            }
            names.append(parameter)
            try advance()
        }
        try advance()  // ')'
        let equals = token
        try advance()  // '='
        if token.kind == .end {
            throw Diagnostic("expected the body of \(name) after '=', e.g. \(name)(z) = z**2 + 1", at: equals.end)
        }
        var body = Parser(bytes, tree: SyntaxTree(), functions: functions)
        body.lexer = lexer
        body.token = token
        body.parameters = names
        body.tree.root = try body.parseExpression()
        try body.expectEnd()
        let source = String(decoding: UnsafeBufferPointer(rebasing: bytes[nameToken.start..<body.previousEnd]), as: UTF8.self)
        tree.statement = .definition
        tree.definition = UserFunction(name: name, parameters: names, body: body.tree, source: source)
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

    /// `expression`, and `term` within it, by precedence climbing: a binary operator
    /// binds its right operand as a `factor` (`*`, `/`) or as a `term` (`+`, `-`), one
    /// call for both levels where a function per level cost each operand a call more
    /// (the parser was half of what a `shm` client spent on a line). The nodes come in
    /// the same order as the grammar's functions would append them.
    mutating func parseExpression(termsOnly: Bool = false) throws(Diagnostic) -> Int {
        var lhs = try parseFactor()
        while true {
            let op: MathOperation
            switch token.kind {
            case .star: op = .mul
            case .slash: op = .div
            case .plus where !termsOnly: op = .add
            case .minus where !termsOnly: op = .sub
            default: return lhs
            }
            let offset = token.start
            try advance()
            let rhs = op == .mul || op == .div ? try parseFactor() : try parseExpression(termsOnly: true)
            lhs = append(.operation(op, lhs: lhs, rhs: rhs, offset: offset))
        }
    }

    /// `factor`, with `power` and a literal `primary` read in place (the common case,
    /// without two calls more).
    mutating func parseFactor() throws(Diagnostic) -> Int {
        depth += 1
        defer { depth -= 1 }
        if depth > Self.maximumDepth {
            throw Diagnostic("expression nested too deeply (more than \(Self.maximumDepth) levels)", at: token.start)
        }
        let base: Int
        switch token.kind {
        case .plus:
            try advance()
            return try parseFactor()  // unary plus is the identity, as for Python's floats
        case .minus:
            let offset = token.start
            try advance()
            let operand = try parseFactor()
            return append(.operation(.neg, lhs: operand, rhs: nil, offset: offset))
        case .number:
            let value = token.number
            try advance()
            base = append(.literal(.real(value)))
        case .imaginary:
            let value = token.number
            try advance()
            base = append(.literal(.complex(ComplexNumber(0, value))))
        default:
            base = try parsePrimary()
        }
        guard token.kind == .power else { return base }
        let offset = token.start
        try advance()
        let exponent = try parseFactor()
        return append(.operation(.pow, lhs: base, rhs: exponent, offset: offset))
    }

    /// `primary`, but for a literal, which `parseFactor` reads.
    mutating func parsePrimary() throws(Diagnostic) -> Int {
        let t = token
        switch t.kind {
        case .identifier:
            let name = text(t)
            try advance()
            if token.kind == .leftParen {
                return try parseCall(name, at: t.start)
            }
            if let index = parameters?.firstIndex(of: name) {
                return append(.parameter(index))
            }
            if let constant = Self.constants[name] {
                return append(.literal(constant))
            }
            if MathOperation.function(named: name) != nil || functions?[name] != nil {
                throw Diagnostic("'\(name)' is a function: call it as \(name)(x)", at: t.start)
            }
            return append(name) { .name($0, offset: t.start) }
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
            return try parseUserCall(name, at: offset)
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

    /// A call of a user function. In a line it must exist and get its number of
    /// arguments, and is expanded; in a body it is looked up when the body is called.
    mutating func parseUserCall(_ name: String, at offset: Int) throws(Diagnostic) -> Int {
        if Self.constants[name] != nil {
            throw Diagnostic("'\(name)' is a constant, not a function (there is no implicit multiplication: write \(name)*(...))", at: offset)
        }
        if parameters?.contains(name) == true {
            throw Diagnostic("'\(name)' is a parameter, not a function (there is no implicit multiplication: write \(name)*(...))", at: offset)
        }
        let function = functions?[name]
        if parameters == nil && function == nil {
            throw Diagnostic("unknown function '\(name)' (define one: \(name)(z) = z**2 + 1; built in: \(MathOperation.functionNames.joined(separator: " ")); there is no implicit multiplication: write \(name)*(...))", at: offset)
        }
        if parameters != nil { _ = append(name) { .lookup($0, offset: offset) } }
        try advance()  // '('
        var arguments: [Int] = []
        var argumentStarts: [Int] = []
        while token.kind != .rightParen {
            if !arguments.isEmpty {
                guard token.kind == .comma else {
                    throw Diagnostic("expected ',' or ')' in the call of \(name), found \(token.kind.spelling)", at: token.start)
                }
                try advance()
            }
            argumentStarts.append(token.start)
            arguments.append(try parseExpression())
        }
        let close = token
        try advance()  // ')'
        guard let function, parameters == nil else {
            let first = tree.arguments.count
            tree.arguments.append(contentsOf: arguments)
            let range = first..<tree.arguments.count
            return append(name) { .call($0, arguments: range, offset: offset) }
        }
        if arguments.count != function.parameters.count {
            let at = arguments.count > function.parameters.count ? argumentStarts[function.parameters.count] : close.start
            throw Diagnostic(function.arityMessage(given: arguments.count), at: at)
        }
        return expand(function, arguments: arguments, site: offset, depth: 1)
    }

    /// Appends the nodes of a call of `function` on the nodes `arguments`, with every
    /// node located at `site` (the call in the line); returns the node of its value.
    /// The user functions the body calls are looked up now, as the call is evaluated.
    mutating func expand(_ function: UserFunction, arguments: [Int], site: Int, depth: Int) -> Int {
        if depth > UserFunction.maximumCallDepth {
            return appendFailure("maximum recursion depth exceeded (over \(UserFunction.maximumCallDepth) nested calls, in \(function.name))", at: site)
        }
        let body = function.body
        var map = [Int](repeating: 0, count: body.nodes.count)
        for (index, node) in body.nodes.enumerated() {
            if let deadNode { return deadNode }
            if tree.nodes.count - base > UserFunction.maximumExpandedNodes {
                return appendFailure("expression too large: calling \(function.name) takes over \(UserFunction.maximumExpandedNodes) operations", at: site)
            }
            switch node {
            case .literal:
                map[index] = append(node)
            case .name(let text, _):
                let name = body.strings[text]
                if functions?[name] != nil {
                    map[index] = appendFailure("'\(name)' is a function: call it as \(name)(x) (in \(function.name))", at: site)
                } else {
                    map[index] = append(name) { .name($0, offset: site) }
                }
            case .parameter(let position):
                map[index] = arguments[position]
            case .operation(let op, let lhs, let rhs, _):
                map[index] = append(.operation(op, lhs: map[lhs], rhs: rhs.map { map[$0] }, offset: site))
            case .failure(let message, _):
                map[index] = appendFailure(body.strings[message], at: site)
            case .lookup(let text, _):
                let name = body.strings[text]
                if functions?[name] == nil {
                    map[index] = appendFailure("unknown function '\(name)', called in \(function.name) (define it: \(name)(z) = …)", at: site)
                }
            case .call(let name, let callArguments, _):
                let callee = functions![body.strings[name]]!  // its `.lookup` came first
                if callArguments.count != callee.parameters.count {
                    map[index] = appendFailure("\(callee.arityMessage(given: callArguments.count)) (in \(function.name))", at: site)
                } else {
                    map[index] = expand(callee, arguments: body.arguments[callArguments].map { map[$0] }, site: site, depth: depth + 1)
                }
            }
        }
        return map[body.root]
    }
}

extension Parser {
    /// Parses `text` as an expression in `parameter`, e.g. a plot's `f(z) + 1` in `z`,
    /// with its calls of user functions expanded as for a line: node 0 is a literal
    /// standing for the parameter, to be replaced at each point
    /// (`PointwiseEvaluator`). A call that can never succeed (an
    /// unknown function, recursion without end) is an error here, not at every point.
    public static func parse(_ text: String, in parameter: String, functions: [String: UserFunction]) throws(Diagnostic) -> SyntaxTree {
        try text.withUTF8Bytes { (bytes) throws(Diagnostic) -> SyntaxTree in
            var body = Parser(bytes, tree: SyntaxTree(), functions: functions)
            body.parameters = [parameter]
            try body.advance()
            if body.token.kind == .end {
                throw Diagnostic("expected an expression in \(parameter), e.g. \(parameter)**2 + 1", at: 0)
            }
            body.tree.root = try body.parseExpression()
            try body.expectEnd()
            let function = UserFunction(name: "the expression", parameters: [parameter], body: body.tree, source: text)
            var line = Parser(bytes, tree: SyntaxTree(), functions: functions)
            line.tree.nodes = [.literal(.real(0))]
            line.tree.root = line.expand(function, arguments: [0], site: 0, depth: 0)
            line.tree.statement = .expression
            if let dead = line.deadNode, case .failure(let message, let offset) = line.tree.nodes[dead] {
                throw Diagnostic(line.tree.strings[message], at: offset)
            }
            return line.tree
        }
    }
}
