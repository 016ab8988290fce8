import CComplexABI
import ComplexLanguage

/// The one table of how an operation's failure is numbered wherever it travels: its
/// wire error code (and through the code, its HTTP status), the shm reply slot's
/// status, and the FFI ABI's status number. Every conversion, either way, reads this
/// table; `FailureTableTests` checks it exhaustively against the C header and
/// docs/PROTOCOL.md.
package enum FailureTable {
    package struct Row: Sendable, Equatable {
        package let code: WireErrorCode
        /// The shm reply slot's status; nil for the clients' own failure, which no
        /// server computes (it would travel as `badArguments`).
        package let sharedMemoryStatus: SharedMemorySlot.Status?
        /// The FFI ABI's `COMPLEX_*` status.
        package let ffiStatus: Int32
    }

    package static func row(_ kind: OperationError.Kind) -> Row {
        switch kind {
        case .divisionByZero: return Row(code: .divisionByZero, sharedMemoryStatus: .divisionByZero, ffiStatus: Int32(COMPLEX_DIVISION_BY_ZERO))
        case .domainError: return Row(code: .domainError, sharedMemoryStatus: .domainError, ffiStatus: Int32(COMPLEX_DOMAIN_ERROR))
        case .overflow: return Row(code: .overflow, sharedMemoryStatus: .overflow, ffiStatus: Int32(COMPLEX_OVERFLOW))
        case .badArguments: return Row(code: .badArguments, sharedMemoryStatus: .badArguments, ffiStatus: Int32(COMPLEX_WRONG_ARITY))
        case .unsupported: return Row(code: .unknownOperation, sharedMemoryStatus: .unknownOperation, ffiStatus: Int32(COMPLEX_UNKNOWN_OPERATION))
        case .backendFailure: return Row(code: .backendFailure, sharedMemoryStatus: nil, ffiStatus: Int32(COMPLEX_UNKNOWN_OPERATION))
        }
    }

    /// The failure whose wire code is `code`, if an operation's.
    package static func kind(code: WireErrorCode) -> OperationError.Kind? {
        OperationError.Kind.allCases.first { row($0).code == code }
    }

    /// The failure a shm reply slot's `status` carries, if a failure's.
    package static func kind(sharedMemoryStatus status: SharedMemorySlot.Status) -> OperationError.Kind? {
        OperationError.Kind.allCases.first { row($0).sharedMemoryStatus == status }
    }

    /// The failure an FFI status stands for; nil for `COMPLEX_OK` or a number the ABI
    /// does not have. (`COMPLEX_UNKNOWN_OPERATION` is `unsupported`, the first row with it.)
    package static func kind(ffiStatus status: Int32) -> OperationError.Kind? {
        OperationError.Kind.allCases.first { row($0).ffiStatus == status }
    }
}
