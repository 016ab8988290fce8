import Glibc

/// Renders measurements as a table with a log-scale bar chart, as JSON, or as SVG.
package struct BenchmarkReport {
    package let measurements: [BackendMeasurement]
    package let options: BenchmarkOptions
    /// Pipe mode: CPython's eval loop over the same file, in the same run (lines/s).
    package let pythonLinesPerSecond: Double?

    package init(measurements: [BackendMeasurement], options: BenchmarkOptions, pythonLinesPerSecond: Double? = nil) {
        self.measurements = measurements
        self.options = options
        self.pythonLinesPerSecond = pythonLinesPerSecond
    }

    /// Microseconds with three significant digits.
    static func micro(_ nanoseconds: Double) -> String {
        let us = nanoseconds / 1000
        if us >= 100 { return String(Int(us.rounded())) }
        if us >= 10 { return fixed(us, 1) }
        if us >= 1 { return fixed(us, 2) }
        return fixed(us, 3)
    }

    static func fixed(_ x: Double, _ decimals: Int) -> String {
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let rounded = (x * scale).rounded() / scale
        var text = String(rounded)
        if let dot = text.firstIndex(of: ".") {
            let have = text.distance(from: dot, to: text.endIndex) - 1
            text += String(repeating: "0", count: max(decimals - have, 0))
        }
        return text
    }

    static func grouped(_ x: Double) -> String {
        let digits = String(Int(x.rounded()))
        var out = ""
        for (i, c) in digits.reversed().enumerated() {
            if i > 0 && i % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return String(out.reversed())
    }

    /// The tables and the chart.
    package func text() -> String {
        var lines: [String] = []
        if let file = options.pipeFile {
            let threads = options.threads > 1 ? "; local on 1 thread, then on \(options.threads) (local ×\(options.threads))" : ""
            lines.append("complex-repl bench: pipe mode over \(file), \(options.window) lines per window, up to \(options.effectiveDepth) operations in flight\(threads)")
            var rows = [["backend", "lines/s", "ops/s", "cpu/op µs", "× CPython"]]
            if let python = pythonLinesPerSecond {
                rows.append(["CPython", Self.grouped(python), "-", "-", "1"])
            }
            for m in measurements {
                guard let t = m.throughput else { continue }
                let ratio = pythonLinesPerSecond.map { Self.fixed((t.linesPerSecond ?? 0) / $0, 2) + "×" } ?? "-"
                rows.append([m.backend, Self.grouped(t.linesPerSecond ?? 0), Self.grouped(t.operationsPerSecond), Self.micro(t.cpuPerOperation), ratio])
            }
            lines.append(contentsOf: Self.table(rows))
            return lines.joined(separator: "\n")
        }
        lines.append("complex-repl bench: \(options.operations) × \(options.operation.rawValue)")
        lines.append("")
        lines.append("one at a time: latency of one backend call, µs")
        var rows = [["backend", "p50", "p90", "p99", "p99.9", "max", "ops/s", "cpu/op"]]
        for m in measurements {
            guard let l = m.latency else { continue }
            rows.append([m.backend, Self.micro(l.p50), Self.micro(l.p90), Self.micro(l.p99), Self.micro(l.p999),
                         Self.micro(l.max), Self.grouped(l.operationsPerSecond), Self.micro(l.cpuPerOperation)])
        }
        lines.append(contentsOf: Self.table(rows))
        lines.append("")
        lines.append("\(options.effectiveDepth) in flight: the same operations handed over as one batch")
        rows = [["backend", "ops/s", "cpu/op µs", "× one at a time"]]
        for m in measurements {
            guard let t = m.throughput else { continue }
            let gain = m.latency.map { Self.fixed(t.operationsPerSecond / $0.operationsPerSecond, 1) + "×" } ?? "-"
            rows.append([m.backend, Self.grouped(t.operationsPerSecond), Self.micro(t.cpuPerOperation), gain])
        }
        lines.append(contentsOf: Self.table(rows))
        lines.append("")
        lines.append(contentsOf: chart())
        return lines.joined(separator: "\n")
    }

    /// Rows as columns: the first left-aligned, the others right-aligned.
    static func table(_ rows: [[String]]) -> [String] {
        let widths = (0..<rows[0].count).map { column in rows.map { $0[column].count }.max()! }
        return rows.map { row in
            row.enumerated().map { index, cell in
                index == 0 ? cell.padding(widths[index]) : String(repeating: " ", count: widths[index] - cell.count) + cell
            }.joined(separator: "  ")
        }
    }

    /// Horizontal bars of p50 and p99 on a log scale, one decade per tick.
    func chart(width: Int = 48) -> [String] {
        let measurements = self.measurements.compactMap { m in m.latency.map { (backend: m.backend, p50: $0.p50, p99: $0.p99) } }
        let values = measurements.flatMap { [$0.p50, $0.p99] }.filter { $0 > 0 }
        guard let low = values.min(), let high = values.max() else { return [] }
        let lowDecade = floor(log10(low)), highDecade = max(ceil(log10(high)), lowDecade + 1)
        let nameWidth = measurements.map(\.backend.count).max()!
        let label = nameWidth + 4
        func bar(_ value: Double) -> String {
            // A zero (a local call shorter than the clock's step) draws no bar.
            let fraction = Swift.max((log10(Swift.max(value, 1)) - lowDecade) / (highDecade - lowDecade), 0)
            let eighths = Int((fraction * Double(width) * 8).rounded())
            let blocks = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"]
            return String(repeating: "█", count: eighths / 8) + blocks[eighths % 8]
        }
        var lines = ["p50 █ and p99 ▒ per backend, log scale (µs)"]
        for m in measurements {
            lines.append(m.backend.padding(nameWidth) + " p50 " + bar(m.p50) + " " + Self.micro(m.p50))
            lines.append(String(repeating: " ", count: nameWidth) + " p99 "
                + bar(m.p99).replacingBlocks() + " " + Self.micro(m.p99))
        }
        var axis = String(repeating: " ", count: label + 1)
        var ticks = String(repeating: " ", count: label + 1)
        let decades = Int(highDecade - lowDecade)
        for d in 0...decades {
            let column = label + 1 + d * width / decades
            while axis.count < column { axis.append("─") }
            axis.append("┼")
            let text = Self.decadeLabel(lowDecade + Double(d))
            while ticks.count < column { ticks.append(" ") }
            ticks.append(text)
        }
        lines.append(axis)
        lines.append(ticks)
        return lines
    }

    static func decadeLabel(_ exponent: Double) -> String {
        let us = pow(10, exponent) / 1000
        if us >= 1 { return String(Int(us.rounded())) }
        return fixed(us, Int(3 - exponent))
    }

    /// The same figures for scripts.
    package func json() -> String {
        let entries = measurements.map { m in
            var fields = ["\"backend\":\"\(m.backend)\""]
            if let l = m.latency {
                fields += [
                    "\"p50_us\":\(l.p50 / 1000)", "\"p90_us\":\(l.p90 / 1000)", "\"p99_us\":\(l.p99 / 1000)",
                    "\"p999_us\":\(l.p999 / 1000)", "\"max_us\":\(l.max / 1000)",
                    "\"ops_per_s\":\(l.operationsPerSecond)", "\"cpu_us_per_op\":\(l.cpuPerOperation / 1000)",
                ]
            }
            if let t = m.throughput {
                if let lps = t.linesPerSecond {
                    fields += ["\"lines_per_s\":\(lps)", "\"ops_per_s\":\(t.operationsPerSecond)",
                               "\"cpu_us_per_op\":\(t.cpuPerOperation / 1000)"]
                } else {
                    fields += ["\"pipelined_ops_per_s\":\(t.operationsPerSecond)",
                               "\"pipelined_cpu_us_per_op\":\(t.cpuPerOperation / 1000)"]
                }
            }
            return "{" + fields.joined(separator: ",") + "}"
        }
        var mode = options.pipeFile.map { "\"pipe\":\"\($0)\",\"window\":\(options.window),\"threads\":\(options.threads)" } ?? "\"operation\":\"\(options.operation.rawValue)\""
        if let python = pythonLinesPerSecond { mode += ",\"python_lines_per_s\":\(python)" }
        return "{\"operations\":\(options.operations),\(mode),\"depth\":\(options.effectiveDepth),\"backends\":[" + entries.joined(separator: ",") + "]}"
    }

    /// The chart as an SVG image.
    package func svg() -> String {
        let measurements = self.measurements.compactMap { m in m.latency.map { (backend: m.backend, p50: $0.p50, p99: $0.p99) } }
        let values = measurements.flatMap { [$0.p50, $0.p99] }.filter { $0 > 0 }
        let lowDecade = floor(log10(values.min() ?? 1)), highDecade = max(ceil(log10(values.max() ?? 10)), lowDecade + 1)
        let left = 90.0, plot = 520.0, rowHeight = 46.0
        let height = 60 + rowHeight * Double(measurements.count) + 40
        func x(_ v: Double) -> Double { left + (log10(max(v, 1)) - lowDecade) / (highDecade - lowDecade) * plot }
        var out = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(left + plot + 90))" height="\(Int(height))" font-family="sans-serif" font-size="12">
            <text x="10" y="20" font-size="14" font-weight="bold">complex-repl bench: latency per operation (log scale, µs)</text>

            """
        for (i, m) in measurements.enumerated() {
            let y = 40 + rowHeight * Double(i)
            out += "<text x=\"10\" y=\"\(y + 22)\">\(m.backend)</text>\n"
            out += "<rect x=\"\(left)\" y=\"\(y + 4)\" width=\"\(x(m.p50) - left)\" height=\"16\" fill=\"#3366cc\"/>"
            out += "<text x=\"\(x(m.p50) + 4)\" y=\"\(y + 16)\">p50 \(Self.micro(m.p50))</text>\n"
            out += "<rect x=\"\(left)\" y=\"\(y + 22)\" width=\"\(x(m.p99) - left)\" height=\"16\" fill=\"#99b3e6\"/>"
            out += "<text x=\"\(x(m.p99) + 4)\" y=\"\(y + 34)\">p99 \(Self.micro(m.p99))</text>\n"
        }
        let axisY = 44 + rowHeight * Double(measurements.count)
        out += "<line x1=\"\(left)\" y1=\"\(axisY)\" x2=\"\(left + plot)\" y2=\"\(axisY)\" stroke=\"black\"/>\n"
        for d in 0...Int(highDecade - lowDecade) {
            let tick = left + Double(d) * plot / (highDecade - lowDecade)
            out += "<line x1=\"\(tick)\" y1=\"\(axisY)\" x2=\"\(tick)\" y2=\"\(axisY + 5)\" stroke=\"black\"/>"
            out += "<text x=\"\(tick - 10)\" y=\"\(axisY + 18)\">\(Self.decadeLabel(lowDecade + Double(d)))</text>\n"
        }
        return out + "</svg>\n"
    }
}

extension String {
    func replacingBlocks() -> String {
        String(map { $0 == " " ? " " : "▒" })
    }
}
