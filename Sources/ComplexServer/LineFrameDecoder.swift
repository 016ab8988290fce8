import NIOCore

/// Splits a byte stream into newline-terminated request lines, with a length limit.
///
/// The complete lines of a read go up the pipeline together, as one slice: a client that
/// pipelines sends dozens per read, and one `fireChannelRead` per line (a boxed frame
/// and a pass through the pipeline each) was a large share of a pipelined request's
/// cost on the server.
///
/// Unlike NIOExtras' LineBasedFrameDecoder it never buffers more than the limit, and a
/// final line without a newline (the original demo's client sends its request that way,
/// then closes its write side) is delivered rather than treated as an error.
struct LineFrameDecoder: ByteToMessageDecoder {
    enum Frame {
        /// One or more whole lines, each ending in a newline, except a last line at the
        /// end of the stream.
        case lines(ByteBuffer)
        /// A line exceeded the limit; the connection should be answered and closed.
        case tooLong
    }
    typealias InboundOut = Frame

    let maximumLength: Int
    /// Bytes of the partial line at the front already searched for a newline, so each
    /// byte is scanned once.
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
        var lineStart = view.startIndex
        var searchFrom = view.startIndex + scanned
        var tooLong = false
        while let newline = view[searchFrom...].firstIndex(of: UInt8(ascii: "\n")) {
            if newline - lineStart > maximumLength {
                tooLong = true
                break
            }
            lineStart = newline + 1
            searchFrom = lineStart
        }
        let partial = view.endIndex - lineStart
        if !tooLong && partial > maximumLength { tooLong = true }
        if lineStart > view.startIndex {
            let lines = buffer.readSlice(length: lineStart - view.startIndex)!
            context.fireChannelRead(wrapInboundOut(.lines(lines)))
        }
        if tooLong {
            fail(context: context, buffer: &buffer)
        } else {
            scanned = partial
        }
        return .needMoreData
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        _ = try decode(context: context, buffer: &buffer)
        if seenEOF, !overflowed, buffer.readableBytes > 0 {
            let rest = buffer.readSlice(length: buffer.readableBytes)!
            let blank = rest.readableBytesView.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }
            if !blank { context.fireChannelRead(wrapInboundOut(.lines(rest))) }
        }
        return .needMoreData
    }

    mutating func fail(context: ChannelHandlerContext, buffer: inout ByteBuffer) {
        overflowed = true
        buffer.moveReaderIndex(to: buffer.writerIndex)
        context.fireChannelRead(wrapInboundOut(.tooLong))
    }
}
