import Testing
@testable import ComplexLanguage

/// One tree at many points, node after node, gives each point exactly what evaluating
/// it as a line gives, sending the same operations.
@Suite struct PointwiseEvaluatorTests {
    static let expressions = [
        "(z**2-1)/(z**2+1)", "1/z", "log(z) * sqrt(z) / (z - 0.5)", "exp(1/z**2) + conj(z)", "z", "2j",
        "f(z) + a", "g(z, f(z)) - ans", "atanh(z) ** z",
    ]
    static let points: [Value] = [
        .complex(ComplexNumber(0, 0)), .complex(ComplexNumber(1, 0)), .complex(ComplexNumber(0.5, 0)),
        .complex(ComplexNumber(-1, 1)), .complex(ComplexNumber(.infinity, 0)), .complex(ComplexNumber(.nan, 1)),
        .complex(ComplexNumber(1e300, -1e300)), .complex(ComplexNumber(-0.0, 0.25)), .complex(ComplexNumber(3, 4)),
    ]

    @Test(arguments: expressions)
    func eachPointIsWhatItsLineGives(expression: String) throws {
        let setUp = Interpreter(backend: InProcess())
        for line in ["a = 1+1j", "f(z) = z*z - a", "g(z, w) = w / z", "7"] { _ = try setUp.execute(line) }
        let tree = try Parser.parse(expression, in: "z", functions: setUp.functions)
        let lookup: (String) -> Value? = { name in name == "ans" || name == "_" ? setUp.lastResult : setUp.variables[name] }

        for backend in [InProcess(), Batching()] as [any Backend] {
            var evaluator = PointwiseEvaluator()
            var outcomes: [Value?] = []
            evaluator.evaluate(tree, replacingNode: 0, with: Self.points, backend: backend, lookup: lookup, into: &outcomes)
            // The same points as lines, one at a time, with `z` a variable.
            let reference = InProcess()
            var expected: [Value?] = []
            for point in Self.points {
                var one = Evaluator()
                var line = tree
                line.nodes[0] = .literal(point)
                expected.append(try? one.evaluate(line, backend: reference, lookup: lookup))
            }
            #expect(outcomes.count == expected.count)
            for (got, want) in zip(outcomes, expected) {
                #expect(got.map { v in want.map { v.isIdentical(to: $0) } ?? false } ?? (want == nil), "\(expression): \(String(describing: got)) against \(String(describing: want))")
            }
            #expect(evaluator.operationCount == reference.log.count, "\(expression)")
        }
    }

    @Test func aBackendThatFailsIsToldApartFromArithmetic() throws {
        let tree = try Parser.parse("1/z + sqrt(z)", in: "z", functions: [:])
        let backend = Batching()
        backend.lost = [.sqrt]
        var evaluator = PointwiseEvaluator()
        var outcomes: [Value?] = []
        evaluator.evaluate(tree, replacingNode: 0, with: [.real(0), .real(4)], backend: backend, lookup: { _ in nil }, into: &outcomes)
        #expect(outcomes == [nil, nil])
        #expect(evaluator.backendFailure == .backendFailure("lost"))
        backend.lost = []
        evaluator.evaluate(tree, replacingNode: 0, with: [.real(0), .real(4)], backend: backend, lookup: { _ in nil }, into: &outcomes)
        #expect(outcomes == [nil, .real(2.25)])
        #expect(evaluator.backendFailure == nil)
        // One batch per operation node, as wide as the points still standing.
        #expect(backend.batches.suffix(3) == [[.div, .div], [.sqrt], [.add]])
    }
}
