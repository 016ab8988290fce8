import ComplexLanguage
import ComplexWire
import Foundation
import Testing

/// The one table of failure numberings, checked for every kind of failure both ways,
/// and against docs/FFI.md's table of the ABI's numbers.
@Suite struct FailureTableTests {
    static let operationKinds: [OperationError.Kind] = [.divisionByZero, .domainError, .overflow, .badArguments, .unsupported]

    @Test(arguments: OperationError.Kind.allCases)
    func everyFailureTravelsEveryWayAndComesBackAsItself(kind: OperationError.Kind) {
        let error = OperationError(kind, message: "why")
        #expect(error.kind == kind)
        let row = FailureTable.row(kind)
        // The wire code, and the HTTP status it carries.
        let code = WireErrorCode(error)
        #expect(code == row.code)
        #expect(FailureTable.kind(code: code) == kind)
        #expect(WireErrorCode(spelling: code.spelling) == code)
        if kind == .backendFailure {
            #expect(code.httpStatus == nil)  // the clients' own; no server sends it
            #expect(code.operationError(message: "why") == .backendFailure("why (backend_failure)"))
        } else {
            #expect(code.operationError(message: "why") == error)
            #expect([400, 404, 422].contains(code.httpStatus ?? 0), "\(code)")
        }
        // The shm reply slot.
        let slot = UnsafeMutableRawPointer.allocate(byteCount: SharedMemoryLayout.replySlotSize, alignment: 64)
        defer { slot.deallocate() }
        SharedMemorySlot.writeReply(.failure(error), to: slot)
        if case .failure(let back) = SharedMemorySlot.readReply(from: slot) {
            #expect(back == (kind == .backendFailure ? .badArguments("why") : error))
        } else {
            Issue.record("a \(kind) reply slot read as a result")
        }
        // The FFI ABI.
        if kind == .backendFailure {
            #expect(FailureTable.kind(ffiStatus: row.ffiStatus) == .unsupported)
        } else {
            #expect(FailureTable.kind(ffiStatus: row.ffiStatus) == kind)
        }
    }

    @Test func everyNumberHasOneKind() {
        // Each failure status of the shm slot, and each number of the ABI but 0, stands
        // for exactly one kind of the operations' failures.
        let failureStatuses = SharedMemorySlot.Status.allCases.filter { $0 != .real && $0 != .complex }
        #expect(Set(failureStatuses.compactMap { FailureTable.kind(sharedMemoryStatus: $0) }) == Set(Self.operationKinds))
        #expect(Set(Self.operationKinds.map { FailureTable.row($0).ffiStatus }).count == Self.operationKinds.count)
        #expect(FailureTable.kind(ffiStatus: 0) == nil)
        #expect(FailureTable.kind(ffiStatus: 99) == nil)
        #expect(FailureTable.kind(code: .notFound) == nil)
        #expect(WireErrorCode(spelling: "rate_limited") == .unrecognized("rate_limited"))
        #expect(WireErrorCode.unrecognized("rate_limited").operationError(message: "slow") == .backendFailure("slow (rate_limited)"))
    }

    /// docs/FFI.md's table: number, name, meaning, as C programmers read it.
    @Test func theFFIDocumentNumbersAsTheTableDoes() throws {
        let document = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/FFI.md")
        let text = try String(contentsOf: document, encoding: .utf8)
        var documented: [String: Int32] = [:]
        for match in text.matches(of: /\| (\d) \| `(COMPLEX_[A-Z_]+)` \|/) {
            documented[String(match.2)] = Int32(match.1)!
        }
        let names: [OperationError.Kind: String] = [
            .divisionByZero: "COMPLEX_DIVISION_BY_ZERO", .domainError: "COMPLEX_DOMAIN_ERROR", .overflow: "COMPLEX_OVERFLOW",
            .badArguments: "COMPLEX_WRONG_ARITY", .unsupported: "COMPLEX_UNKNOWN_OPERATION",
        ]
        for kind in Self.operationKinds {
            #expect(documented[names[kind]!] == FailureTable.row(kind).ffiStatus, "\(kind)")
        }
    }
}
