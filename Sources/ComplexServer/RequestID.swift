import ComplexWire

/// An HTTP request's `X-Request-Id`, kept to be echoed byte for byte in its response.
/// complex-repl's ids are decimal numbers: those are kept as a number, so a request
/// costs no allocation for its id; any other is kept as its bytes.
enum RequestID: Equatable {
    /// Decimal digits without a leading zero, as `appendDecimal` writes them back.
    case decimal(UInt64)
    case text([UInt8])

    init(_ value: UnsafeBufferPointer<UInt8>) {
        self = WireRequest.decimalID(value).map(RequestID.decimal) ?? .text(Array(value))
    }

    /// The most bytes `write(to:)` writes.
    static var maximumLength: Int { Swift.max(WireRequest.maximumIDLength, ByteCursor.maximumDecimalLength) }

    func write(to cursor: inout ByteCursor) {
        switch self {
        case .decimal(let number): cursor.writeDecimal(number)
        case .text(let bytes): cursor.write(bytes)
        }
    }

    func append(to output: inout [UInt8]) {
        switch self {
        case .decimal(let number): output.appendDecimal(number)
        case .text(let bytes): output.append(contentsOf: bytes)
        }
    }
}
