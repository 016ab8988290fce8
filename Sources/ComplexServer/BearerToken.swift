/// The bearer token rule, for every listener that takes one (HTTP's `Authorization`
/// header, gRPC's `authorization` metadata): `Bearer <token>`, the scheme in any case
/// and one or more spaces after it (RFC 9110 §11.4, §11.6.2), compared in full.
enum BearerToken {
    /// True when `authorization` carries `expected`.
    static func matches(_ authorization: [UInt8], _ expected: [UInt8]) -> Bool {
        token(in: authorization).map { constantTimeEqual($0, expected) } == true
    }

    /// The token of `Bearer <token>`; nil for anything else.
    static func token(in bytes: [UInt8]) -> [UInt8]? {
        let scheme = Array("bearer".utf8)
        guard bytes.count > scheme.count, bytes[scheme.count] == UInt8(ascii: " "),
              zip(bytes, scheme).allSatisfy({ $0 | 0x20 == $1 }) else { return nil }
        let start = bytes[scheme.count...].firstIndex { $0 != UInt8(ascii: " ") } ?? bytes.count
        return Array(bytes[start...])
    }

    /// Compares without an early exit, so timing does not reveal how much of a token
    /// matched; the lengths are compared in full (a length folded into a byte would let
    /// a token followed by 256 more bytes through).
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var difference = a.count ^ b.count
        for i in 0..<b.count {
            difference |= Int((i < a.count ? a[i] : 0) ^ b[i])
        }
        return difference == 0
    }
}
