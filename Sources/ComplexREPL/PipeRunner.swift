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

    let session: Session
    var out = BufferedOutput(fileDescriptor: 1)
    var err = BufferedOutput(fileDescriptor: 2, capacity: 0)
    /// Lines queued together (1: one line at a time).
    let window: Int
    /// The queued lines' text, for the columns of their errors.
    var windowText: [UInt8] = []
    var windowLines: [(end: Int, number: Int)] = []
    /// The file the queued lines come from: a window is of one file (a name kept per
    /// line cost a retain and a release a line).
    var windowName = ""
    /// True once any line has failed.
    package private(set) var failed = false
    var quitRequested = false

    /// - Parameters:
    ///   - output: where results go (stdout by default).
    ///   - window: how many lines are evaluated together.
    package init(session: Session, output: Int32 = 1, window: Int = PipeRunner.defaultWindow) {
        self.session = session
        self.out = BufferedOutput(fileDescriptor: output)
        self.window = max(window, 1)
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
        if windowLines.isEmpty {
            windowName = name
        } else if name != windowName {
            runWindow()
            windowName = name
        }
        session.interpreter.enqueue(line)
        windowText.append(contentsOf: line)
        windowLines.append((windowText.count, number))
        if windowLines.count >= window || windowText.count >= Self.windowBytesLimit { runWindow() }
    }

    /// Evaluates the queued lines and prints their results and errors in order.
    mutating func runWindow() {
        guard !windowLines.isEmpty else { return }
        let interpreter = session.interpreter
        interpreter.runQueued { index, outcome in
            switch outcome {
            case .success(.value(let value)):
                self.session.formatter.append(value, to: &self.out.buffer)
                self.out.buffer.append(0x0A)
                self.out.flushIfFull()
            case .success:
                break
            case .failure(let error):
                let line = self.windowLines[index]
                let start = index == 0 ? 0 : self.windowLines[index - 1].end
                let column = error.column(in: self.windowText[start..<line.end])
                self.failed = true
                self.report("\(self.windowName):\(line.number):\(column): error: \(error.message)")
            }
        }
        windowText.removeAll(keepingCapacity: true)
        windowLines.removeAll(keepingCapacity: true)
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
