import ComplexBackends
import ComplexLanguage
import ComplexREPL

// Lexer, parser, evaluator and formatter on arbitrary bytes: each line of the input is
// run as pipe mode runs it, with variables carried between lines. Any crash, hang or
// sanitizer report is a bug; errors are the expected outcome for most inputs.
func fuzzLanguage(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let interpreter = Interpreter(backend: LocalBackend())
    var formatter = ValueFormatter()
    var out: [UInt8] = []
    let bytes = UnsafeBufferPointer(start: data, count: size)
    var start = 0
    for index in 0...size where index == size || bytes[index] == 0x0A {
        let line = UnsafeBufferPointer(rebasing: bytes[start..<index])
        start = index + 1
        checkPlainArithmetic(line)
        do throws(Diagnostic) {
            if case .value(let value) = try interpreter.execute(line) {
                formatter.append(value, to: &out)
                formatter.significantDigits = line.count % 3 == 0 ? 6 : nil
                formatter.style = line.count % 5 == 0 ? .polar : .rectangular
            }
        } catch {
            // A diagnostic must point inside the line (or just past its end).
            precondition(error.offset >= 0 && error.offset <= line.count, "offset \(error.offset) outside a \(line.count)-byte line")
            _ = error.column(in: line)
        }
    }
    return 0
}

/// A line of plain arithmetic read as it is evaluated, and one read into a window's
/// nodes as it is scheduled (`Evaluator.add` without a backend), must get the general
/// path's answer (the parser's tree, walked by the evaluator), bit for bit, or its error.
func checkPlainArithmetic(_ line: UnsafeBufferPointer<UInt8>) {
    var parsed = Evaluator()
    var tree = SyntaxTree()
    do throws(Diagnostic) {
        try Parser.parse(line, into: &tree)
        parsed.add(tree)
    } catch {
        parsed.add(failure: error)
    }
    parsed.evaluate(backend: LocalBackend()) { _ in nil }
    let general = parsed.result(of: 0)
    var recorded = Evaluator()
    recorded.add(line)
    recorded.evaluate(backend: LocalBackend()) { _ in nil }
    let candidates = [PlainComputation.evaluate(line, backend: LocalBackend()), recorded.result(of: 0)]
    for candidate in candidates {
        switch (candidate, general) {
        case (nil, _): continue
        case (.success(let x)?, .success(let y)) where x.isIdentical(to: y): continue
        case (.failure(let x)?, .failure(let y)) where x == y: continue
        default:
            preconditionFailure("plain arithmetic gave \(String(describing: candidate)), the general path \(general), for \(String(decoding: line, as: UTF8.self))")
        }
    }
}
