/// The keys of one JSON object that the wire defines, as `WireRequest` and `WireResponse`
/// read them: a key given twice is refused rather than read the way one parser or
/// another would (the first wins in some, the last in others).
struct KeySet {
    enum Key: UInt8 {
        case operation, a, b, id, result, error, code, message
    }

    private var bits: UInt8 = 0

    /// Notes `key`; throws when the object has it already.
    @inline(__always)
    mutating func insert(_ key: Key, _ spelling: StaticString) throws(WireError) {
        let bit = UInt8(1) << key.rawValue
        guard bits & bit == 0 else { throw Self.twice(spelling) }
        bits |= bit
    }

    static func twice(_ spelling: StaticString) -> WireError {
        .badJSON("the key \"\(spelling)\" appears twice")
    }

    func contains(_ key: Key) -> Bool {
        bits & UInt8(1) << key.rawValue != 0
    }
}
