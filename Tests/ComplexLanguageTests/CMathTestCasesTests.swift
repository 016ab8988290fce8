import Foundation
import Testing
import ComplexLanguage

/// CPython's own specification of cmath: `cmath_testcases.txt` (2,094 cases: signed
/// zeros, branch cuts, tiny and huge arguments, infinities and NaNs), installed with
/// Python in its `test` package, run through the language and judged by the rules of
/// `test_cmath.test_specific_values`.
@Suite struct CMathTestCasesTests {
    /// The installed file, found from `python3`; nil where Python or its tests are absent.
    static let file: String? = {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import test, os; print(os.path.dirname(test.__file__))"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let directory = String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let path = directory + "/cmath_testcases.txt"
        return process.terminationStatus == 0 && FileManager.default.fileExists(atPath: path) ? path : nil
    }()

    struct Case {
        var id: String, function: String
        var argument: (re: Double, im: Double)
        var expected: (re: Double, im: Double)
        var flags: Set<String>
    }

    static func cases(in path: String) throws -> [Case] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").compactMap { line in
            let text = line.trimmingCharacters(in: .whitespaces)
            if text.isEmpty || text.hasPrefix("--") { return nil }
            let sides = text.components(separatedBy: "->")
            let left = sides[0].split(separator: " "), right = sides[1].split(separator: " ")
            guard left.count == 4, right.count >= 2, let ar = Double(left[2]), let ai = Double(left[3]),
                  let er = Double(right[0]), let ei = Double(right[1]) else {
                throw CocoaError(.fileReadCorruptFile, userInfo: [NSLocalizedDescriptionKey: "unreadable case: \(text)"])
            }
            return Case(id: String(left[0]), function: String(left[1]), argument: (ar, ai), expected: (er, ei),
                        flags: Set(right.dropFirst(2).map(String.init)))
        }
    }

    /// How a double is written in the language: Swift's shortest digits, which the
    /// lexer reads back exactly; `inf`, `nan` and a leading `-` are the language's own.
    static func literal(_ x: Double) -> String { x.isNaN ? "nan" : "\(x)" }

    enum Outcome: Equatable {
        case value(re: Double, im: Double)
        case valueError, overflowError
    }

    /// Evaluates one line, mapping a failure to the Python exception it stands for.
    static func evaluate(_ line: String, _ interpreter: Interpreter) -> Outcome {
        do {
            guard case .value(let value) = try interpreter.execute(line) else { return .valueError }
            let z = value.complexValue
            return .value(re: z.re, im: z.im)
        } catch {
            return error.message.contains("range error") || error.message.contains("too large") ? .overflowError : .valueError
        }
    }

    /// The case's function applied as test_cmath applies it: `rect(re, im)`,
    /// `polar(z)` as the complex `abs(z) + phase(z)j`, else `fn(complex(re, im))`.
    static func run(_ c: Case, _ interpreter: Interpreter) -> Outcome {
        let (re, im) = (literal(c.argument.re), literal(c.argument.im))
        switch c.function {
        case "rect":
            return evaluate("rect(\(re), \(im))", interpreter)
        case "polar":
            let modulus = evaluate("abs(complex(\(re), \(im)))", interpreter)
            guard case .value(let r, _) = modulus else { return modulus }
            let phase = evaluate("phase(complex(\(re), \(im)))", interpreter)
            guard case .value(let phi, _) = phase else { return phase }
            return .value(re: r, im: phi)
        default:
            return evaluate("\(c.function)(complex(\(re), \(im)))", interpreter)
        }
    }

    /// test_cmath's default absolute error, 5e-323: ten of the smallest subnormal.
    static let tinyError = 10 * Double.leastNonzeroMagnitude

    /// test_cmath's `rAssertAlmostEqual`.
    static func almostEqual(_ a: Double, _ b: Double, absoluteError: Double = tinyError) -> Bool {
        if a.isNaN { return b.isNaN }
        if a.isInfinite { return a == b }
        if a == 0 && b == 0 && a.sign != b.sign { return false }
        return Swift.abs(b - a) <= max(absoluteError, 2e-15 * Swift.abs(a))
    }

    /// test_cmath's verdict on one case; nil when it passes.
    static func judge(_ c: Case, _ outcome: Outcome) -> String? {
        if c.flags.contains("divide-by-zero") || c.flags.contains("invalid") {
            return outcome == .valueError ? nil : "ValueError expected, got \(outcome)"
        }
        if c.flags.contains("overflow") {
            return outcome == .overflowError ? nil : "OverflowError expected, got \(outcome)"
        }
        guard case .value(var re, var im) = outcome else { return "a value expected, got \(outcome)" }
        var expected = c.expected
        if c.flags.contains("ignore-real-sign") { re = Swift.abs(re); expected.re = Swift.abs(expected.re) }
        if c.flags.contains("ignore-imag-sign") { im = Swift.abs(im); expected.im = Swift.abs(expected.im) }
        let realError = ["log", "log10"].contains(c.function) ? 2e-15 : tinyError
        if almostEqual(expected.re, re, absoluteError: realError) && almostEqual(expected.im, im) { return nil }
        return "expected complex(\(expected.re), \(expected.im)), got complex(\(re), \(im))"
    }

    @Test(.enabled(if: file != nil, "cmath_testcases.txt is not installed with this machine's python3 (its test package)"))
    func everyCaseOfCPythonsCmathSpecificationPasses() throws {
        let cases = try Self.cases(in: Self.file!)
        #expect(cases.count > 2000, "the file should hold CPython's 2,094 cases")
        let interpreter = Interpreter(backend: InProcess())
        var failures: [String] = []
        for c in cases {
            if let failure = Self.judge(c, Self.run(c, interpreter)) {
                failures.append("\(c.id): \(c.function)(complex(\(c.argument.re), \(c.argument.im))): \(failure)")
            }
        }
        #expect(failures.isEmpty, "\(failures.count) of \(cases.count) fail, e.g.\n\(failures.prefix(10).joined(separator: "\n"))")
        // Every kind of case must have been judged, or the pass proves little.
        #expect(Set(cases.map(\.function)).count == 18)
        #expect(cases.filter { $0.flags.contains("overflow") }.count >= 5)
        #expect(cases.filter { $0.flags.contains("divide-by-zero") || $0.flags.contains("invalid") }.count > 10)
    }
}
