import Testing
@testable import ComplexLanguage

/// Renders a tree as a fully parenthesised S-expression, to check precedence.
func render(_ tree: SyntaxTree) -> String {
    var text: [String] = []
    for node in tree.nodes {
        switch node {
        case .literal(let value): text.append(ValueFormatter().stringCopy(value))
        case .name(let name, _): text.append(tree.strings[name])
        case .operation(let op, let lhs, let rhs, _):
            if let rhs { text.append("(\(op.rawValue) \(text[lhs]) \(text[rhs]))") }
            else { text.append("(\(op.rawValue) \(text[lhs]))") }
        case .failure(let message, _): text.append("(fail \(tree.strings[message]))")
        case .parameter(let index): text.append("$\(index)")
        case .lookup(let name, _): text.append("(lookup \(tree.strings[name]))")
        case .call(let name, let arguments, _):
            text.append("(\(tree.strings[name]) \(tree.arguments[arguments].map { text[$0] }.joined(separator: " ")))")
        }
    }
    return text.isEmpty ? "" : text[tree.root]
}

extension ValueFormatter {
    func stringCopy(_ value: Value) -> String {
        var copy = self
        return copy.string(value)
    }
}

@Suite struct ParserTests {
    /// A node is plain bits, its names and messages kept in the tree's `strings`: a
    /// window's nodes are copied and dropped with no reference counting.
    @Test func aNodeIsPlainBits() throws {
        #expect(_isPOD(SyntaxTree.Node.self))
        let tree = try Parser.parse("f(z) = g(z, w) + w", functions: [:])
        let body = try #require(tree.definition?.body)
        #expect(render(body) == "(add (g $0 w) w)")
        #expect(body.strings == ["g", "w", "g", "w"])
        #expect(body.arguments.count == 2)
    }

    func parseError(_ text: String) -> Diagnostic? {
        do throws(Diagnostic) { _ = try Parser.parse(text); return nil } catch { return error }
    }

    @Test(arguments: [
        ("1 + 2 * 3", "(add 1 (mul 2 3))"),
        ("1 - 2 - 3", "(sub (sub 1 2) 3)"),
        ("8 / 4 / 2", "(div (div 8 4) 2)"),
        ("-2**2", "(neg (pow 2 2))"),
        ("2**-1", "(pow 2 (neg 1))"),
        ("2**3**2", "(pow 2 (pow 3 2))"),
        ("2^3^2", "(pow 2 (pow 3 2))"),
        ("-x*y", "(mul (neg x) y)"),
        ("(1+3j) - 5j * 2", "(sub (add 1 3j) (mul 5j 2))"),
        ("+-+1", "(neg 1)"),
        ("2*-3", "(mul 2 (neg 3))"),
        ("sqrt(1+2)*3", "(mul (sqrt (add 1 2)) 3)"),
        ("-sqrt(4)**2", "(neg (pow (sqrt 4) 2))"),
        ("pi", "3.141592653589793"),
        ("a * (b + c) / d", "(div (mul a (add b c)) d)"),
        ("1 - 2 * 3 + 4 / 5 * 6 - 7", "(sub (add (sub 1 (mul 2 3)) (mul (div 4 5) 6)) 7)"),
        ("2 * 3 ** 2 * -1 - -4 ** 2 / 2", "(sub (mul (mul 2 (pow 3 2)) (neg 1)) (div (neg (pow 4 2)) 2))"),
    ])
    func precedenceAndAssociativity(_ text: String, _ expected: String) throws {
        let tree = try Parser.parse(text)
        #expect(render(tree) == expected)
        #expect(tree.statement == .expression)
    }

    @Test func statements() throws {
        #expect(try Parser.parse("").statement == .empty)
        #expect(try Parser.parse("   # only a comment").statement == .empty)
        #expect(try Parser.parse("x = 1+2j").statement == .assignment("x"))
        #expect(throws: Diagnostic.self) { try Parser.parse("x == 1") }
    }

    @Test(arguments: [
        ("2 3", 2, "implicit multiplication"),
        ("2(3)", 1, "implicit multiplication"),
        ("1 + * 2", 4, "expected a number, a name or '('"),
        ("(1 + 2", 6, "expected ')'"),
        ("1 + 2)", 5, "unmatched ')'"),
        ("1 +", 3, "incomplete expression"),
        ("pi = 3", 0, "it is a constant"),
        ("sqrt = 3", 0, "it is a built-in function"),
        ("ans = 3", 0, "last result"),
        ("x = ", 4, "expected an expression after '='"),
        ("foo(2)", 0, "unknown function 'foo'"),
        ("sqrt(1, 2)", 6, "sqrt() takes 1 argument (2 or more given)"),
        ("sqrt()", 5, "sqrt() takes 1 argument (0 given)"),
        ("log(1, 2, 3)", 8, "log() takes 1 or 2 arguments (3 or more given)"),
        ("rect(1)", 6, "rect() takes 2 arguments (1 given)"),
        ("complex()", 8, "complex() takes 1 or 2 arguments (0 given)"),
        ("tau = 6", 0, "it is a constant"),
        ("phase = 1", 0, "it is a built-in function"),
        ("sqrt + 1", 0, "is a function"),
        ("1 = 2", 2, "'='"),
    ])
    func errorsNameTheProblemAndColumn(_ text: String, _ offset: Int, _ fragment: String) {
        let error = parseError(text)
        #expect(error?.offset == offset, "\(text): \(String(describing: error))")
        #expect(error?.message.contains(fragment) == true, "\(text): \(String(describing: error))")
    }

    @Test func deepNestingIsAnErrorNotACrash() {
        let parens = String(repeating: "(", count: 100_000) + "1" + String(repeating: ")", count: 100_000)
        #expect(parseError(parens)?.message.contains("nested too deeply") == true)
        let minus = String(repeating: "-", count: 100_000) + "1"
        #expect(parseError(minus)?.message.contains("nested too deeply") == true)
        let powers = Array(repeating: "2", count: 100_000).joined(separator: "**")
        #expect(parseError(powers)?.message.contains("nested too deeply") == true)
        let fine = String(repeating: "(", count: 400) + "1" + String(repeating: ")", count: 400)
        #expect(parseError(fine) == nil)
    }

    @Test func longFlatLinesParseAndEvaluateWithoutRecursion() throws {
        let line = Array(repeating: "1", count: 200_000).joined(separator: "+")
        let interpreter = Interpreter(backend: InProcess())
        #expect(try interpreter.execute(line) == .value(.real(200_000)))
    }
}
