import Glibc

/// A buffered writer on a file descriptor: pipe mode prints millions of lines, and one
/// `write(2)` per line would cost more than evaluating it. (Not `OutputStream`, which
/// would shadow Foundation's and the standard library's `TextOutputStream` family.)
package struct BufferedOutput {
    package let fileDescriptor: Int32
    package var buffer: [UInt8] = []
    let capacity: Int

    package init(fileDescriptor: Int32, capacity: Int = 1 << 16) {
        self.fileDescriptor = fileDescriptor
        self.capacity = capacity
        buffer.reserveCapacity(capacity + 256)
    }

    /// Appends text; writes out once the buffer is full.
    package mutating func write(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= capacity { flush() }
    }

    /// Call after appending to `buffer` directly.
    @inline(__always)
    package mutating func flushIfFull() {
        if buffer.count >= capacity { flush() }
    }

    /// Writes everything buffered. A reader that went away (EPIPE) ends the output
    /// silently, as `head` users expect.
    package mutating func flush() {
        var offset = 0
        while offset < buffer.count {
            let n = buffer.withUnsafeBytes { raw in
                Glibc.write(fileDescriptor, raw.baseAddress! + offset, raw.count - offset)
            }
            if n < 0 {
                if errno == EINTR { continue }
                break
            }
            offset += n
        }
        buffer.removeAll(keepingCapacity: true)
    }
}
