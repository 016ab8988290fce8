import Glibc
import ComplexLanguage

/// The texts of the numbers a client lately read in replies, by bit pattern, so that a
/// result sent back as an operand, as most are, is copied rather than turned into its
/// shortest digits again (the conversion was about a sixth of a pipelining client's
/// instructions; a copy is a tenth of one).
///
/// A text is kept only as the reader read it into exactly that number, so sending it
/// says what `ByteCursor.writeNumber` would have said, perhaps in other digits (a
/// peer's `1E5`). Zero is never kept: `-0` is the text that loses its sign in some
/// readers, and `writeNumber` spells zeros itself. Nor is a text over
/// `maximumTextLength` bytes.
///
/// It holds `slotCount` slots in one allocation (`memoryFootprint`, made once per
/// connection, as `calloc`'s untouched zero pages): direct-mapped, a newer number
/// replacing an older one in its slot, which is all a window's rounds need, since a
/// result is sent back in the round after the one that computed it. The cache is a
/// plain pointer, passed around with no reference counting (a class reference cost
/// a retain and a release per message); its `Storage` owns the memory.
package struct NumberTextCache {
    /// The cache's memory, freed with the last reference to it: its owner keeps it as
    /// long as it uses `cache`.
    package final class Storage {
        package let cache: NumberTextCache

        package init() {
            guard let memory = calloc(NumberTextCache.slotCount, NumberTextCache.slotSize) else {
                fatalError("out of memory for \(NumberTextCache.memoryFootprint) bytes")
            }
            cache = NumberTextCache(slots: memory)
        }

        deinit { free(cache.slots) }
    }

    /// Slots: a power of two, over the numbers a window's round brings back (a window
    /// of 1024 lines brings back at most a few thousand).
    package static let slotCount = 8192
    static let slotSize = 32
    /// The longest text kept: what fits a slot after the bit pattern and before the
    /// length byte. Shortest digits of a double are at most 24 bytes with the sign; a
    /// result's usually 17 to 22.
    package static let maximumTextLength = slotSize - 9
    /// The bytes the cache holds.
    package static var memoryFootprint: Int { slotCount * slotSize }

    /// Slot layout: the bit pattern, then the text, then its length in the last byte.
    let slots: UnsafeMutableRawPointer

    @inline(__always)
    func slot(_ bits: UInt64) -> UnsafeMutableRawPointer {
        // Fibonacci hashing: the high bits of the product mix every bit of the pattern.
        slots + Int(truncatingIfNeeded: (bits &* 0x9E37_79B9_7F4A_7C15) >> UInt64(64 - Self.slotCount.trailingZeroBitCount)) * Self.slotSize
    }

    /// Keeps the texts of `value`'s numbers, from `written`: the operand as
    /// `JSONReader.readPlainOperand` read it into `value` (a number, or `[re,im]`).
    package func remember(_ value: Value, written: UnsafeBufferPointer<UInt8>) {
        switch value {
        case .real(let x):
            remember(x, text: written)
        case .complex(let z):
            guard written.count > 2, let found = memchr(written.baseAddress! + 1, Int32(UInt8(ascii: ",")), written.count - 2) else { return }
            let comma = written.baseAddress!.distance(to: found.assumingMemoryBound(to: UInt8.self))
            remember(z.re, text: UnsafeBufferPointer(rebasing: written[1..<comma]))
            remember(z.im, text: UnsafeBufferPointer(rebasing: written[(comma + 1)..<(written.count - 1)]))
        }
    }

    /// Keeps `text`, which reads as `x`.
    @inline(__always)
    func remember(_ x: Double, text: UnsafeBufferPointer<UInt8>) {
        guard x != 0, text.count <= Self.maximumTextLength else { return }
        let slot = slot(x.bitPattern)
        slot.storeBytes(of: x.bitPattern, as: UInt64.self)
        (slot + 8).copyMemory(from: text.baseAddress!, byteCount: text.count)
        slot.storeBytes(of: UInt8(text.count), toByteOffset: Self.slotSize - 1, as: UInt8.self)
    }

    /// Writes the text kept for `x` at `destination`, if there is one, and returns its
    /// length. It writes `maximumTextLength + 1` bytes, the ones past the text being
    /// the caller's to overwrite: `destination` must have room for them (a number's
    /// room in `ByteCursor`, `maximumNumberLength`, is one more).
    @inline(__always)
    package func write(_ x: Double, at destination: UnsafeMutablePointer<UInt8>) -> Int? {
        let slot = slot(x.bitPattern)
        // Zero is never kept, and an empty slot (all zero bytes) holds +0.0's pattern.
        guard x != 0, slot.loadUnaligned(as: UInt64.self) == x.bitPattern else { return nil }
        let to = UnsafeMutableRawPointer(destination)
        // Three words, whatever the length: no loop and no call.
        to.storeBytes(of: slot.loadUnaligned(fromByteOffset: 8, as: UInt64.self), as: UInt64.self)
        to.storeBytes(of: slot.loadUnaligned(fromByteOffset: 16, as: UInt64.self), toByteOffset: 8, as: UInt64.self)
        to.storeBytes(of: slot.loadUnaligned(fromByteOffset: 24, as: UInt64.self), toByteOffset: 16, as: UInt64.self)
        return Int(slot.load(fromByteOffset: Self.slotSize - 1, as: UInt8.self))
    }
}
