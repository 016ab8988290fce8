/// Heads near the usual ones, for the tests that hold a reading by comparison to the
/// general parser: the usual pieces, each sometimes swapped for an odd one, then a
/// little random damage.
public struct NearlyUsualBytes {
    public var random: SplitMix
    /// One in `oddOneIn` pieces is an odd one.
    let oddOneIn: UInt64

    public init(seed: UInt64, oddOneIn: UInt64) {
        random = SplitMix(seed: seed)
        self.oddOneIn = oddOneIn
    }

    /// `usual`, or now and then one of `odd`.
    public mutating func either(_ usual: String, _ odd: [String]) -> [UInt8] {
        Array((random.next() % oddOneIn != 0 ? usual : odd.randomElement(using: &random)!).utf8)
    }

    /// Up to two bytes changed to one where the rules turn, flipped to the other case,
    /// taken out or put in; then, one time in eight, the whole cut short.
    public mutating func damage(_ bytes: inout [UInt8]) {
        let turning: [UInt8] = Array("aA0 9:/\r\n-xX".utf8) + [0x00, 0x7F, 0x80, 0xFF]
        for _ in 0..<max(0, Int(random.next() % 4) - 1) {
            let at = Int(random.next() % UInt64(bytes.count))
            switch random.next() % 4 {
            case 0: bytes[at] = turning.randomElement(using: &random)!
            case 1: bytes[at] ^= 0x20  // the other case, for a letter
            case 2: bytes.remove(at: at)
            default: bytes.insert(turning.randomElement(using: &random)!, at: at)
            }
        }
        if random.next() % 8 == 0 { bytes.removeLast(Int(random.next() % UInt64(bytes.count))) }
    }
}
