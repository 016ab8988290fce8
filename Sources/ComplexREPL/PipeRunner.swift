import Glibc
import ComplexLanguage

/// Evaluates files or piped input line by line: one result line per expression on
/// stdout, `file:line:column: error: message` on stderr for each failing line.
///
/// Lines are evaluated in windows: up to `window` lines are queued, then evaluated
/// together, so their operations share the backend's round trips (a socket backend
/// has them all in flight at once). Output is exactly that of one line at a time: in
/// input order, each line once. A meta-command ends the window before it (it may
/// switch the backend or the display), and so does waiting for input, so a program
/// that feeds one line at a time gets each answer before it sends the next.
///
/// With a backend that does not pipeline, a window's lines of plain arithmetic are
/// evaluated and printed straight through (`Interpreter.evaluatePlainLines`), and any
/// other line through the interpreter on its own; with one that also
/// `allowsConcurrentCalls`, the window is cut into parts, one per thread.
package struct PipeRunner {
    /// Lines longer than this are refused rather than buffered without bound.
    package static let maximumLineLength = 16 << 20
    /// Lines per window unless `--window` says otherwise. Measured with `complex-repl
    /// bench --pipe FILE --window N` on 20,000 lines with 256 in flight: ipc 111–127k
    /// lines/s with windows of 512, 121–139k with 1024, 111k with 2048 (a window's
    /// last, shallow rounds leave the connection idle; fewer windows, fewer such tails).
    package static let defaultWindow = 1024
    /// A window also ends once its lines hold this many bytes, so a file of long lines
    /// does not make a window of 1024 × 16 MiB.
    static let windowBytesLimit = 1 << 20

    /// Threads unless `--threads` says otherwise: the processors online, up to
    /// `maximumThreads`.
    package static var defaultThreads: Int {
        min(processorsOnline, maximumThreads)
    }
    static var processorsOnline: Int { max(sysconf(Int32(_SC_NPROCESSORS_ONLN)), 1) }
    /// The most threads a window is cut for (a window of 2,048 lines has a part for
    /// each).
    package static let maximumThreads = 8
    /// A window is cut into parts of at least this many lines. On the 2-core VM, 200,000
    /// lines on two threads against one (medians of 12 alternating runs): parts of 128
    /// lines took as long as one thread, for 1.8× its CPU; parts of 256, 0.91× the time;
    /// of 512 (the default window), 0.84× (0.6× in the VM's fast phases).
    static let minimumLinesPerThread = 256

    /// What is wrong with `--threads n`, or nil.
    package static func threadsProblem(_ threads: Int) -> String? {
        (1...maximumThreads).contains(threads)
            ? nil : "--threads wants 1 to \(maximumThreads) threads, e.g. --threads 1 for this thread only"
    }

    let session: Session
    var out = BufferedOutput(fileDescriptor: 1)
    var err = BufferedOutput(fileDescriptor: 2, capacity: 0)
    /// Lines queued together (1: one line at a time).
    let window: Int
    /// Threads for a backend that `allowsConcurrentCalls` (1: this one only).
    let threads: Int
    /// The threads besides this one, started as windows need them.
    let workers: PlainLineWorkers
    /// The queued lines, one after another; where each ends in it, and its number in
    /// its file.
    var windowText: [UInt8] = []
    var windowEnds: [Int] = []
    var windowNumbers: [Int] = []
    /// The file the queued lines come from: a window is of one file (a name kept per
    /// line cost a retain and a release a line).
    var windowName = ""
    /// True once any line has failed.
    package private(set) var failed = false
    var quitRequested = false

    /// - Parameters:
    ///   - output: where results go (stdout by default).
    ///   - window: how many lines are evaluated together.
    ///   - threads: how many threads evaluate a window's lines when the backend
    ///     `allowsConcurrentCalls` (at most `maximumThreads`).
    package init(session: Session, output: Int32 = 1, window: Int = PipeRunner.defaultWindow,
                 threads: Int = PipeRunner.defaultThreads) {
        self.session = session
        self.out = BufferedOutput(fileDescriptor: output)
        self.window = max(window, 1)
        self.threads = threads
        self.workers = PlainLineWorkers(threads: threads)
    }

    /// Runs the named files in order (`-` is stdin); returns the exit status:
    /// 0 when every line succeeded, 1 otherwise.
    package mutating func run(files: [String]) -> Int32 {
        for file in files where !quitRequested {
            if file == "-" {
                run(fileDescriptor: 0, name: "<stdin>")
                continue
            }
            let fd = open(file, O_RDONLY)
            if fd < 0 {
                let reason = String(cString: strerror(errno))
                report("complex-repl: cannot open '\(file)': \(reason)")
                continue
            }
            run(fileDescriptor: fd, name: file)
            close(fd)
        }
        out.flush()
        return failed ? 1 : 0
    }

    /// Reads `fd` to its end, evaluating each line.
    package mutating func run(fileDescriptor fd: Int32, name: String) {
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        var start = 0  // first unconsumed byte
        var end = 0  // one past the last byte read
        var lineNumber = 0
        var skippingLongLine = false
        while !quitRequested {
            if start > 0 && start == end { start = 0; end = 0 }
            if end == buffer.count {
                if start > 0 {
                    buffer.withUnsafeMutableBytes { raw in
                        _ = memmove(raw.baseAddress!, raw.baseAddress! + start, end - start)
                    }
                    end -= start
                    start = 0
                } else if buffer.count >= Self.maximumLineLength {
                    // Drop what we have of an oversized line; report it once its end arrives.
                    if !skippingLongLine {
                        skippingLongLine = true
                    }
                    start = 0
                    end = 0
                } else {
                    buffer.append(contentsOf: repeatElement(0, count: buffer.count))
                }
            }
            // Answer before waiting for input: a person or program feeding lines one at
            // a time sees each answer at once, while a file still gets 64 KiB writes.
            runWindow()
            out.flush()
            let n = buffer.withUnsafeMutableBytes { raw in read(fd, raw.baseAddress! + end, raw.count - end) }
            if n < 0 {
                if errno == EINTR { continue }
                report("\(name): read error: \(String(cString: strerror(errno)))")
                return
            }
            if n == 0 { break }
            let scanFrom = end
            end += n
            var cursor = scanFrom
            while cursor < end {
                guard let newline = buffer.withUnsafeBytes({ raw -> Int? in
                    guard let p = memchr(raw.baseAddress! + cursor, 0x0A, end - cursor) else { return nil }
                    return raw.baseAddress!.distance(to: UnsafeRawPointer(p))
                }) else { break }
                lineNumber += 1
                if skippingLongLine {
                    skippingLongLine = false
                    lineTooLong(name: name, line: lineNumber)
                } else {
                    buffer.withUnsafeBufferPointer { all in
                        evaluate(UnsafeBufferPointer(rebasing: all[start..<newline]), name: name, line: lineNumber)
                    }
                }
                start = newline + 1
                cursor = start
                if quitRequested { return }
            }
        }
        if skippingLongLine {
            lineTooLong(name: name, line: lineNumber + 1)
        } else if start < end {
            // A last line without a newline still counts.
            buffer.withUnsafeBufferPointer { all in
                evaluate(UnsafeBufferPointer(rebasing: all[start..<end]), name: name, line: lineNumber + 1)
            }
        }
        runWindow()
    }

    mutating func lineTooLong(name: String, line: Int) {
        runWindow()
        failed = true
        report("\(name):\(line):1: error: line too long (over \(Self.maximumLineLength >> 20) MiB); split the expression")
    }

    /// Queues one line, or runs it if it is a meta-command; results and errors are
    /// printed when its window is run (`runWindow`, `finish`).
    package mutating func evaluate(_ line: UnsafeBufferPointer<UInt8>, name: String, line number: Int) {
        var index = 0
        while index < line.count, line[index] == 0x20 || line[index] == 0x09 { index += 1 }
        if index < line.count, line[index] == UInt8(ascii: ":") {
            runWindow()
            runMetaCommand(String(decoding: line, as: UTF8.self), name: name, line: number)
            return
        }
        if windowEnds.isEmpty {
            windowName = name
        } else if name != windowName {
            runWindow()
            windowName = name
        }
        windowText.append(contentsOf: line)
        windowEnds.append(windowText.count)
        windowNumbers.append(number)
        if windowEnds.count >= window || windowText.count >= Self.windowBytesLimit { runWindow() }
    }

    /// Evaluates the queued lines and prints their results and errors in order.
    mutating func runWindow() {
        guard !windowEnds.isEmpty else { return }
        if session.interpreter.backend.pipelines {
            runThroughInterpreter(0..<windowEnds.count)
        } else {
            runInParts()
        }
        windowText.removeAll(keepingCapacity: true)
        windowEnds.removeAll(keepingCapacity: true)
        windowNumbers.removeAll(keepingCapacity: true)
    }

    /// Runs the window's lines `range` together through the interpreter.
    mutating func runThroughInterpreter(_ range: Range<Int>) {
        let interpreter = session.interpreter
        windowText.withUnsafeBufferPointer { text in
            for index in range {
                interpreter.enqueue(UnsafeBufferPointer(rebasing: text[lineStart(index)..<windowEnds[index]]))
            }
        }
        interpreter.runQueued { queued, outcome in
            switch outcome {
            case .success(.value(let value)):
                self.session.formatter.append(value, to: &self.out.buffer)
                self.out.buffer.append(0x0A)
                self.out.flushIfFull()
            case .success:
                break
            case .failure(let error):
                self.report(error, line: range.lowerBound + queued)
            }
        }
    }

    /// Reports the window's line `index` failed, at its column.
    mutating func report(_ error: Diagnostic, line index: Int) {
        let column = error.column(in: windowText[lineStart(index)..<windowEnds[index]])
        failed = true
        report("\(windowName):\(windowNumbers[index]):\(column): error: \(error.message)")
    }

    /// Finishes the window's line `index`, at which plain arithmetic stopped: reports
    /// its error if it failed, or runs it through the interpreter.
    mutating func finishLine(_ index: Int, failure: Diagnostic?) {
        if let failure {
            report(failure, line: index)
        } else {
            runThroughInterpreter(index..<index + 1)
        }
    }

    func lineStart(_ index: Int) -> Int {
        index == 0 ? 0 : windowEnds[index - 1]
    }

    /// For a backend that does not pipeline: the window cut into parts, the first run
    /// here, the others on `workers`' threads when the backend `allowsConcurrentCalls`,
    /// and printed in order.
    mutating func runInParts() {
        let backend = session.interpreter.backend
        var parts = backend.allowsConcurrentCalls ? max(min(threads, windowEnds.count / Self.minimumLinesPerThread), 1) : 1
        if parts > 1 {
            workers.reserve(parts - 1)
            parts = min(parts, workers.parts.count + 1)
        }
        let bounds = (0...parts).map { windowEnds.count * $0 / parts }
        for index in 1..<parts {
            let part = workers.parts[index - 1]
            let first = lineStart(bounds[index])
            part.text.removeAll(keepingCapacity: true)
            part.text.append(contentsOf: windowText[first..<windowEnds[bounds[index + 1] - 1]])
            part.ends.removeAll(keepingCapacity: true)
            part.ends.append(contentsOf: windowEnds[bounds[index]..<bounds[index + 1]].lazy.map { $0 - first })
            part.backend = backend
            part.formatter = session.formatter
            workers.begin(part)
        }
        runPart(bounds[0]..<bounds[1])
        for index in 1..<parts {
            let part = workers.parts[index - 1]
            workers.finish(part)
            out.buffer.append(contentsOf: part.output)
            out.flushIfFull()
            if let last = part.last { session.interpreter.recordResult(last) }
            let next = bounds[index] + part.taken
            if next < bounds[index + 1] {
                finishLine(next, failure: part.failure)
                runPart(next + 1..<bounds[index + 1])
            }
        }
    }

    /// Runs lines `range` here: plain arithmetic straight through, any other line
    /// through the interpreter, on its own.
    mutating func runPart(_ range: Range<Int>) {
        var index = range.lowerBound
        while index < range.upperBound {
            // The output is moved out for the call: the closures read this runner's
            // window, and writing its buffer in place would overlap that access.
            var bytes: [UInt8] = []
            swap(&bytes, &out.buffer)
            let (taken, last, failure) = windowText.withUnsafeBufferPointer { text in
                windowEnds.withUnsafeBufferPointer { ends in
                    Interpreter.evaluatePlainLines(
                        text, from: lineStart(index), ends: UnsafeBufferPointer(rebasing: ends[index..<range.upperBound]),
                        backend: session.interpreter.backend, formatter: &session.formatter, appendingTo: &bytes)
                }
            }
            swap(&bytes, &out.buffer)
            out.flushIfFull()
            if let last { session.interpreter.recordResult(last) }
            index += taken
            if index < range.upperBound {
                finishLine(index, failure: failure)
                index += 1
            }
        }
    }

    mutating func runMetaCommand(_ text: String, name: String, line: Int) {
        // What came before is written first: `:plot` draws on stdout and stderr itself.
        out.flush()
        do throws(SessionError) {
            switch try session.run(metaCommand: text.trimmingWhitespace()) {
            case .quit: quitRequested = true
            case .text(let output):
                out.write(output + "\n")
            case .confirmation: break  // for people at a terminal
            }
        } catch {
            failed = true
            report("\(name):\(line):1: error: \(error.description)")
        }
    }

    /// Writes a line to stderr after everything already printed on stdout, so the two
    /// streams interleave in order when they share a file.
    mutating func report(_ message: String) {
        out.flush()
        err.write(message + "\n")
        err.flush()
    }
}

extension PipeRunner {
    /// Runs what is queued, flushes output; returns the exit status.
    package mutating func finish() -> Int32 {
        runWindow()
        out.flush()
        return failed ? 1 : 0
    }

    /// The original demo's `--add --arg1 A --arg2 B`: one operation on two complex
    /// values (read with Python's `complex(str)` by the caller), so exactly one
    /// operation reaches the backend, as in the demo.
    package mutating func runDemoOperation(_ operation: MathOperation, _ first: ComplexNumber, _ second: ComplexNumber) -> Int32 {
        let operands: [Value] = [.complex(first), .complex(second)]
        do throws(OperationError) {
            let result = try session.interpreter.backend.apply(operation, operands[0], operands[1])
            out.write(session.format(result) + "\n")
        } catch {
            report("complex-repl: error: \(error.message)")
            failed = true
        }
        return finish()
    }
}
