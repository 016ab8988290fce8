import CComplexABI
import ComplexLanguage
import ComplexWire
import Glibc

// The bundled FFI library (libComplexFFI.so): the C ABI of Modules/CComplexABI,
// implemented with the same arithmetic as every other backend.

/// The message of the last failure, per thread (a C string freed with the thread).
let lastErrorKey: pthread_key_t = {
    var key = pthread_key_t()
    pthread_key_create(&key) { free($0) }
    return key
}()

/// Operation names to operations without making a Swift String per call: the
/// candidates are grouped by first byte and compared byte by byte.
enum OperationTable {
    static let byFirstByte: [[(name: [UInt8], operation: MathOperation)]] = {
        var table = Array(repeating: [(name: [UInt8], operation: MathOperation)](), count: 128)
        for op in MathOperation.allCases {
            table[Int(op.rawValue.utf8.first!)].append((Array(op.rawValue.utf8), op))
        }
        return table
    }()

    @inline(__always)
    static func lookup(_ name: UnsafePointer<CChar>?) -> MathOperation? {
        guard let name else { return nil }
        let first = Int(UInt8(bitPattern: name[0]))
        guard first < 128 else { return nil }
        candidates: for candidate in byFirstByte[first] {
            for (i, byte) in candidate.name.enumerated() where UInt8(bitPattern: name[i]) != byte {
                continue candidates
            }
            if name[candidate.name.count] == 0 { return candidate.operation }
        }
        return nil
    }
}

func record(_ error: OperationError) -> Int32 {
    free(pthread_getspecific(lastErrorKey))
    pthread_setspecific(lastErrorKey, strdup(error.message))
    return FailureTable.row(error.kind).ffiStatus
}

@inline(__always)
func run(_ op: MathOperation, _ a: Value, _ b: Value?, _ out: UnsafeMutablePointer<CComplexABI.Complex>?, _ isReal: UnsafeMutablePointer<Int32>?) -> Int32 {
    do throws(OperationError) {
        let result = try op.perform(a, b)
        switch result {
        case .real(let x):
            out?.pointee = CComplexABI.Complex(re: x, im: 0)
            isReal?.pointee = 1
        case .complex(let z):
            out?.pointee = CComplexABI.Complex(re: z.re, im: z.im)
            isReal?.pointee = 0
        }
        return Int32(COMPLEX_OK)
    } catch {
        return record(error)
    }
}

@_cdecl("complex_apply")
public func complexApply(
    _ name: UnsafePointer<CChar>?, _ args: UnsafePointer<CComplexABI.Complex>?, _ count: Int,
    _ out: UnsafeMutablePointer<CComplexABI.Complex>?
) -> Int32 {
    guard let op = OperationTable.lookup(name) else {
        return record(.unsupported("unknown operation"))
    }
    guard op.arity.contains(count), let args else { return record(.badArguments("\(op.rawValue) takes \(op.aritySpelling) operands")) }
    let a = Value.complex(ComplexNumber(args[0].re, args[0].im))
    let b = count == 2 ? Value.complex(ComplexNumber(args[1].re, args[1].im)) : nil
    return run(op, a, b, out, nil)
}

@_cdecl("complex_apply_real")
public func complexApplyReal(
    _ name: UnsafePointer<CChar>?, _ args: UnsafePointer<Double>?, _ count: Int,
    _ out: UnsafeMutablePointer<CComplexABI.Complex>?, _ isReal: UnsafeMutablePointer<Int32>?
) -> Int32 {
    guard let op = OperationTable.lookup(name) else {
        return record(.unsupported("unknown operation"))
    }
    guard op.arity.contains(count), let args else { return record(.badArguments("\(op.rawValue) takes \(op.aritySpelling) operands")) }
    return run(op, .real(args[0]), count == 2 ? .real(args[1]) : nil, out, isReal)
}

@_cdecl("complex_last_error_message")
public func complexLastErrorMessage() -> UnsafePointer<CChar>? {
    pthread_getspecific(lastErrorKey).map { UnsafePointer($0.assumingMemoryBound(to: CChar.self)) }
}

/// The demo's function. It cannot report errors: an unknown operation or a division
/// by zero gives NaN parts.
@_cdecl("compute")
public func compute(_ name: UnsafePointer<CChar>?, _ a: CComplexABI.Complex, _ b: CComplexABI.Complex) -> CComplexABI.Complex {
    var args = (a, b)
    var out = CComplexABI.Complex(re: .nan, im: .nan)
    _ = withUnsafePointer(to: &args) { pointer in
        pointer.withMemoryRebound(to: CComplexABI.Complex.self, capacity: 2) { complexApply(name, $0, 2, &out) }
    }
    return out
}
