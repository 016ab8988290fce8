import NIOCore

/// Splits a byte stream into newline-terminated request lines, with a length limit.
///
/// Unlike NIOExtras' LineBasedFrameDecoder it never buffers more than the limit, and a
/// final line without a newline (the original demo's client sends its request that way,
/// then closes its write side) is delivered rather than treated as an error.
struct LineFrameDecoder: ByteToMessageDecoder {
    enum Frame {
        case line(ByteBuffer)
        /// The line exceeded the limit; the connection should be answered and closed.
        case tooLong
    }
    typealias InboundOut = Frame

    let maximumLength: Int
    /// Bytes already searched for a newline, so each byte is scanned once.
    var scanned = 0
    var overflowed = false

    init(maximumLength: Int) {
        self.maximumLength = maximumLength
    }

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        if overflowed {
            buffer.moveReaderIndex(to: buffer.writerIndex)
            return .needMoreData
        }
        let view = buffer.readableBytesView
        let newline = view[(view.startIndex + scanned)...].firstIndex(of: UInt8(ascii: "\n"))
        guard let newline else {
            scanned = view.count
            if scanned > maximumLength { fail(context: context, buffer: &buffer) }
            return .needMoreData
        }
        let length = newline - view.startIndex
        if length > maximumLength {
            fail(context: context, buffer: &buffer)
            return .needMoreData
        }
        let line = buffer.readSlice(length: length)!
        buffer.moveReaderIndex(forwardBy: 1)
        scanned = 0
        context.fireChannelRead(wrapInboundOut(.line(line)))
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        if seenEOF, !overflowed, buffer.readableBytes > 0 {
            let rest = buffer.readSlice(length: buffer.readableBytes)!
            let blank = rest.readableBytesView.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }
            if !blank { context.fireChannelRead(wrapInboundOut(.line(rest))) }
        }
        return .needMoreData
    }

    mutating func fail(context: ChannelHandlerContext, buffer: inout ByteBuffer) {
        overflowed = true
        buffer.moveReaderIndex(to: buffer.writerIndex)
        context.fireChannelRead(wrapInboundOut(.tooLong))
    }
}
