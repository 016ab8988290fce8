import ComplexLanguage

/// Reads and writes the shm channel's slots (docs/PROTOCOL.md, "Shared memory").
///
/// A request slot: byte 0 the operation's code (its position in `MathOperation.allCases`),
/// byte 1 the operand count (1 or 2), byte 2 which operands are complex (bit 0: `a`,
/// bit 1: `b`), bytes 8–39 `a.re`, `a.im`, `b.re`, `b.im` as doubles (a real operand's
/// imaginary part is ignored).
///
/// A reply slot: byte 0 its `Status`, byte 1 the message's length, bytes 8–23 the
/// result's `re` and `im` (a real result's `im` is 0), bytes 24–127 an error's message
/// in UTF-8.
///
/// The server reads request slots that a client may be rewriting as it reads: it
/// copies the slot once, then checks and uses only the copy.
package enum SharedMemorySlot {
    /// What a reply slot holds.
    package enum Status: UInt8, CaseIterable, Sendable {
        case real = 0
        case complex = 1
        case divisionByZero = 2
        case domainError = 3
        case overflow = 4
        case badArguments = 5
        case unknownOperation = 6
    }

    /// The longest error message a reply slot carries; longer ones are cut at a
    /// character boundary (the language's own messages are all shorter).
    package static let maximumMessageLength = SharedMemoryLayout.replySlotSize - 24

    // MARK: Requests

    package static func writeRequest(_ call: OperationCall, to slot: UnsafeMutableRawPointer) {
        var kinds: UInt8 = 0
        let a = call.a.complexValue
        if !call.a.isReal { kinds |= 1 }
        let b = call.b?.complexValue ?? ComplexNumber(0, 0)
        if let operand = call.b, !operand.isReal { kinds |= 2 }
        slot.storeBytes(of: UInt64(UInt8(call.operation.index)) | UInt64(call.b == nil ? 1 : 2) << 8 | UInt64(kinds) << 16,
                        as: UInt64.self)
        slot.storeBytes(of: a.re, toByteOffset: 8, as: Double.self)
        slot.storeBytes(of: a.im, toByteOffset: 16, as: Double.self)
        slot.storeBytes(of: b.re, toByteOffset: 24, as: Double.self)
        slot.storeBytes(of: b.im, toByteOffset: 32, as: Double.self)
    }

    /// The call a request slot holds, or why it holds none. `slot` may be changing
    /// under the reader.
    package static func readRequest(from slot: UnsafeRawPointer) -> Result<OperationCall, OperationError> {
        // One copy, then decisions on the copy only: a second read of shared memory
        // could see other bytes than the check did.
        var copy = (UInt64(0), 0.0, 0.0, 0.0, 0.0)
        withUnsafeMutableBytes(of: &copy) { $0.copyMemory(from: UnsafeRawBufferPointer(start: slot, count: 40)) }
        let code = Int(copy.0 & 0xFF), count = Int(copy.0 >> 8 & 0xFF), kinds = copy.0 >> 16 & 0xFF
        guard code < MathOperation.allCases.count else {
            return .failure(.unsupported("shm: operation code \(code) names no operation (0 to \(MathOperation.allCases.count - 1))"))
        }
        let operation = MathOperation.allCases[code]
        guard count == 1 || count == 2 else {
            return .failure(.badArguments("shm: \(operation.rawValue) request with \(count) operands (1 or 2)"))
        }
        guard kinds & ~(count == 1 ? 1 : 3) == 0, copy.0 >> 24 == 0 else {
            return .failure(.badArguments("shm: \(operation.rawValue) request with unused bits set in bytes 2–7"))
        }
        let a: Value = kinds & 1 == 0 ? .real(copy.1) : .complex(ComplexNumber(copy.1, copy.2))
        let b: Value? = count == 1 ? nil : kinds & 2 == 0 ? .real(copy.3) : .complex(ComplexNumber(copy.3, copy.4))
        return .success(OperationCall(operation, a, b))
    }

    // MARK: Replies

    package static func writeReply(_ result: Result<Value, OperationError>, to slot: UnsafeMutableRawPointer) {
        switch result {
        case .success(.real(let x)):
            slot.storeBytes(of: UInt64(Status.real.rawValue), as: UInt64.self)
            slot.storeBytes(of: x, toByteOffset: 8, as: Double.self)
            slot.storeBytes(of: 0.0, toByteOffset: 16, as: Double.self)
        case .success(.complex(let z)):
            slot.storeBytes(of: UInt64(Status.complex.rawValue), as: UInt64.self)
            slot.storeBytes(of: z.re, toByteOffset: 8, as: Double.self)
            slot.storeBytes(of: z.im, toByteOffset: 16, as: Double.self)
        case .failure(let error):
            var message = Array(error.message.utf8.prefix(maximumMessageLength))
            // Cut at a character boundary: drop continuation bytes, then a lead byte
            // whose sequence they began.
            if message.count == maximumMessageLength, error.message.utf8.count > maximumMessageLength {
                while let last = message.last, last & 0xC0 == 0x80 { message.removeLast() }
                if let last = message.last, last >= 0xC0 { message.removeLast() }
            }
            slot.storeBytes(of: UInt64(status(of: error).rawValue) | UInt64(message.count) << 8, as: UInt64.self)
            slot.storeBytes(of: 0.0, toByteOffset: 8, as: Double.self)
            slot.storeBytes(of: 0.0, toByteOffset: 16, as: Double.self)
            message.withUnsafeBytes { (slot + 24).copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        }
    }

    /// The result a reply slot holds; a slot that is not the protocol's is a backend
    /// failure. (A value is read with no more than its status byte looked at: decoding
    /// the status first, for every reply, was half of this.)
    package static func readReply(from slot: UnsafeRawPointer) -> Result<Value, OperationError> {
        let word = slot.loadUnaligned(as: UInt64.self)
        switch word & 0xFF {
        case UInt64(Status.real.rawValue): return .success(.real(slot.loadUnaligned(fromByteOffset: 8, as: Double.self)))
        case UInt64(Status.complex.rawValue):
            return .success(.complex(ComplexNumber(
                slot.loadUnaligned(fromByteOffset: 8, as: Double.self), slot.loadUnaligned(fromByteOffset: 16, as: Double.self))))
        default: return .failure(readFailure(from: slot))
        }
    }

    /// The failure a reply slot that holds no value holds.
    static func readFailure(from slot: UnsafeRawPointer) -> OperationError {
        let word = slot.loadUnaligned(as: UInt64.self)
        guard let status = Status(rawValue: UInt8(word & 0xFF)) else {
            return .backendFailure("shm: a reply with status \(word & 0xFF), which is not the protocol's")
        }
        let length = min(Int(word >> 8 & 0xFF), maximumMessageLength)
        let message = String(decoding: UnsafeRawBufferPointer(start: slot + 24, count: length), as: UTF8.self)
        let kind = FailureTable.kind(sharedMemoryStatus: status) ?? .badArguments  // every failure status has a row
        return OperationError(kind, message: message)
    }

    /// The status a failure travels as. A backend failure is the client's own and never
    /// computed by the server; should one arise, it travels as bad arguments.
    static func status(of error: OperationError) -> Status {
        FailureTable.row(error.kind).sharedMemoryStatus ?? .badArguments
    }
}
