/// An error in a line of input, located at a byte offset of that line.
///
/// Messages say what went wrong; the location lets the REPL draw a caret and pipe mode
/// print `file:line:column`.
public struct Diagnostic: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, and where the fix lies when that is not obvious.
    public var message: String
    /// Byte offset into the line where the problem starts.
    public var offset: Int

    public init(_ message: String, at offset: Int) {
        self.message = message
        self.offset = offset
    }

    public var description: String { message }

    /// The 1-based column of `offset` in `line`, counted in Unicode scalars so that a
    /// caret lines up under non-ASCII text. Bytes of invalid UTF-8 count one each.
    public func column(in line: some Collection<UInt8>) -> Int {
        var column = 1
        var index = 0
        for byte in line {
            if index >= offset { break }
            if byte & 0xC0 != 0x80 { column += 1 }  // not a continuation byte
            index += 1
        }
        return column
    }
}
