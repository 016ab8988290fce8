import ComplexLanguage
import ComplexWire
import Testing
import TestSupport

/// The client's cache of number texts: what is kept comes back byte for byte, what is
/// not (zeros, long texts, numbers evicted from their slot) does not come back at all.
@Suite struct NumberTextCacheTests {
    /// The text `x` would be kept as: its shortest digits, perhaps in another spelling.
    static func text(_ x: Double, spelling: Int) -> [UInt8] {
        let digits = x.description.replacingOccurrences(of: ".0e", with: "e")
        switch spelling % 3 {
        case 0: return Array(digits.utf8)
        case 1: return Array(digits.uppercased().utf8)  // `1E-05`
        default: return Array((digits.contains("e") ? digits : digits + "0").utf8)  // a trailing zero
        }
    }

    static func written(_ cache: NumberTextCache, _ x: Double) -> [UInt8]? {
        var room = [UInt8](repeating: 0xAA, count: 64)
        let count = room.withUnsafeMutableBufferPointer { cache.write(x, at: $0.baseAddress!) }
        return count.map { Array(room[..<$0]) }
    }

    @Test func aTextComesBackAsItWasKept() {
        let storage = NumberTextCache.Storage()
        let cache = storage.cache
        var random = SplitMix(seed: 2_614)
        var kept: [UInt64: [UInt8]] = [:]
        for round in 0..<20_000 {
            let x = Double(bitPattern: random.next() & 0xBFFF_FFFF_FFFF_FFFF)  // finite: the exponent's top bit clear
            guard x != 0 else { continue }
            let text = Self.text(x, spelling: round)
            text.withUnsafeBufferPointer { cache.remember(.real(x), written: $0) }
            if text.count <= NumberTextCache.maximumTextLength { kept[x.bitPattern] = text }
            #expect(Self.written(cache, x) == (text.count <= NumberTextCache.maximumTextLength ? text : nil), "\(x)")
        }
        // Numbers kept earlier come back as kept, or not at all once a newer one took their slot.
        var evicted = 0
        for (bits, text) in kept {
            guard let back = Self.written(cache, Double(bitPattern: bits)) else { evicted += 1; continue }
            #expect(back == text)
        }
        #expect(evicted > 0 && evicted < kept.count, "evicted \(evicted) of \(kept.count)")
    }

    @Test func aComplexOperandKeepsBothTexts() {
        let storage = NumberTextCache.Storage()
        let written = Array("[-1.2345678901234567e-05,98765.4321]".utf8)
        written.withUnsafeBufferPointer { storage.cache.remember(.complex(ComplexNumber(-1.2345678901234567e-05, 98765.4321)), written: $0) }
        #expect(Self.written(storage.cache, -1.2345678901234567e-05) == Array("-1.2345678901234567e-05".utf8))
        #expect(Self.written(storage.cache, 98765.4321) == Array("98765.4321".utf8))
    }

    @Test func zerosAndLongTextsAreNotKept() {
        let storage = NumberTextCache.Storage()
        for (x, text) in [(0.0, "0"), (-0.0, "-0"), (-0.0, "-0.0"), (1.0, "1.00000000000000000000000")] {
            Array(text.utf8).withUnsafeBufferPointer { storage.cache.remember(.real(x), written: $0) }
            #expect(Self.written(storage.cache, x) == nil, "\(text)")
        }
    }
}
