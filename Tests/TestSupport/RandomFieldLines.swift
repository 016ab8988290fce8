/// Random HTTP field lines from the bytes where a head parser's rules turn, for tests
/// that hold a parser to its rule written the plain way (a line at a time).
public struct RandomFieldLines {
    /// Bytes that make up the odd lines: names, colons, spaces, control bytes, CR, LF.
    public var pieces: [[UInt8]]
    /// Whole lines that are well formed, one in three, so the usual path is covered.
    public var wellFormed: [[UInt8]]

    public init(pieces: [[UInt8]], wellFormed: [[UInt8]]) {
        self.pieces = pieces
        self.wellFormed = wellFormed
    }

    /// What `compare` found: the first set of lines on which the two readings differ,
    /// and the verdicts that came 20 times or fewer (a test that met a rule so rarely
    /// would check little).
    public struct Comparison {
        public var disagreement: String?
        public var rare: [String]
    }

    /// Runs 30,000 random sets of 1–4 field lines (each ending CR LF) through both
    /// readings, stopping at the first set on which they differ; counts how often each
    /// of `verdicts` (a prefix of a reading) came.
    public func compare(seed: UInt64, verdicts: [String], reference: ([UInt8]) -> String, parsed: ([UInt8]) -> String) -> Comparison {
        var generator = SplitMix(seed: seed)
        var seen: [String: Int] = [:]
        for _ in 0..<30_000 {
            var lines: [UInt8] = []
            for _ in 0..<Int(generator.next() % 4) + 1 {
                if generator.next() % 3 == 0 {
                    lines += wellFormed[Int(generator.next() % UInt64(wellFormed.count))]
                } else {
                    for _ in 0..<Int(generator.next() % 6) + 1 { lines += pieces[Int(generator.next() % UInt64(pieces.count))] }
                }
                lines += Array("\r\n".utf8)
            }
            let expected = reference(lines), got = parsed(lines)
            if got != expected {
                return Comparison(disagreement: "\(lines): \(got), where the rule says \(expected)", rare: [])
            }
            for verdict in verdicts where expected.hasPrefix(verdict) { seen[verdict, default: 0] += 1 }
        }
        return Comparison(disagreement: nil, rare: verdicts.filter { seen[$0, default: 0] <= 20 })
    }
}
