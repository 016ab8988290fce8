import Glibc
import CComplexABI
import ComplexLanguage
import ComplexWire

/// Computes every operation by calling a C-ABI shared library loaded at run time
/// (docs/FFI.md): `complex_apply` when the library has it, else the demo's `compute`.
package final class FFIBackend: Backend, RegisteredBackend {
    package static let registryName = "ffi"
    package static let help = "a C-ABI shared library in this process; ARG: library path (default: the bundled libComplexFFI.so)"
    package static let argumentKind: BackendArgumentKind? = .library
    /// The bundled library's file name, next to the executable.
    package static let bundledLibrary = "libComplexFFI.so"

    typealias Apply = @convention(c) (UnsafePointer<CChar>?, UnsafePointer<CComplexABI.Complex>?, Int, UnsafeMutablePointer<CComplexABI.Complex>?) -> Int32
    typealias ApplyReal = @convention(c) (UnsafePointer<CChar>?, UnsafePointer<Double>?, Int, UnsafeMutablePointer<CComplexABI.Complex>?, UnsafeMutablePointer<Int32>?) -> Int32
    typealias Compute = @convention(c) (UnsafePointer<CChar>?, CComplexABI.Complex, CComplexABI.Complex) -> CComplexABI.Complex
    typealias LastError = @convention(c) () -> UnsafePointer<CChar>?

    package var name: String { Self.registryName }
    package var summary: String { "ffi (\(path)\(apply == nil ? ", demo ABI: add sub mul" : ""))" }

    let path: String
    let handle: UnsafeMutableRawPointer
    let apply: Apply?
    let applyReal: ApplyReal?
    let compute: Compute?
    let lastError: LastError?
    /// Operation names as C strings, made once: no allocation per call.
    let names: [UnsafeMutablePointer<CChar>]

    init(path: String, handle: UnsafeMutableRawPointer) throws(BackendError) {
        self.path = path
        self.handle = handle
        func symbol<T>(_ name: String, as type: T.Type) -> T? {
            dlsym(handle, name).map { unsafeBitCast($0, to: type) }
        }
        apply = symbol("complex_apply", as: Apply.self)
        applyReal = symbol("complex_apply_real", as: ApplyReal.self)
        compute = symbol("compute", as: Compute.self)
        lastError = symbol("complex_last_error_message", as: LastError.self)
        names = MathOperation.allCases.map { strdup($0.rawValue)! }
        guard apply != nil || compute != nil else {
            throw .unavailable(backend: Self.registryName,
                               reason: "\(path) exports neither complex_apply nor compute (see docs/FFI.md)")
        }
    }

    // Libraries are never unloaded: a Swift library (the bundled one) registers
    // metadata with the runtime that outlives dlclose, and many C libraries are not
    // safe to unload either. RTLD_NODELETE makes that explicit.
    deinit {
        names.forEach { free($0) }
    }

    package static func make(_ configuration: BackendConfiguration) throws(BackendError) -> any Backend {
        let path: String
        if let argument = configuration.argument {
            path = argument
        } else {
            guard let directory = configuration.executableDirectory else {
                throw .unavailable(backend: registryName, reason: "cannot tell where the bundled \(bundledLibrary) is; name a library: --library PATH")
            }
            // Beside the executable in a build folder; in PREFIX/lib when installed
            // (scripts/install puts the tools in PREFIX/bin).
            let candidates = [directory + "/" + bundledLibrary, directory + "/../lib/" + bundledLibrary]
            path = candidates.first { access($0, F_OK) == 0 } ?? candidates[0]
        }
        guard access(path, F_OK) == 0 else {
            throw .unavailable(backend: registryName, reason: "\(path): no such file (build the bundled library with `swift build`, or name one: --library PATH)")
        }
        // A path without a slash would make dlopen search the system's library path.
        let loadPath = path.contains("/") ? path : "./" + path
        guard let handle = dlopen(loadPath, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE) else {
            let reason = dlerror().map { String(cString: $0) } ?? "unknown error"
            throw .unavailable(backend: registryName, reason: "\(path) is not a loadable shared library: \(reason)")
        }
        return try FFIBackend(path: path, handle: handle)
    }

    package func apply(_ operation: MathOperation, _ a: Value, _ b: Value?) throws(OperationError) -> Value {
        let name = names[operation.index]
        var out = CComplexABI.Complex(re: 0, im: 0)
        if let applyReal, case .real(let x) = a, b == nil || b!.isReal {
            var isReal: Int32 = 0
            let status: Int32
            if case .real(let y)? = b {
                var args = (x, y)
                status = withUnsafePointer(to: &args) { $0.withMemoryRebound(to: Double.self, capacity: 2) { applyReal(name, $0, 2, &out, &isReal) } }
            } else {
                var arg = x
                status = applyReal(name, &arg, 1, &out, &isReal)
            }
            try check(status, operation)
            return isReal != 0 ? .real(out.re) : .complex(ComplexNumber(out.re, out.im))
        }
        let (first, second) = operation.complexOperands(a, b)
        if let apply {
            var args = (CComplexABI.Complex(re: first.re, im: first.im), CComplexABI.Complex(re: second?.re ?? 0, im: second?.im ?? 0))
            let status = withUnsafePointer(to: &args) {
                $0.withMemoryRebound(to: CComplexABI.Complex.self, capacity: 2) { apply(name, $0, b == nil ? 1 : 2, &out) }
            }
            try check(status, operation)
        } else {
            guard let compute, let second, [.add, .sub, .mul].contains(operation) else {
                throw .unsupported("ffi: \(path) has only the demo's compute (add, sub, mul); it cannot do \(operation.spelling)")
            }
            out = compute(name, CComplexABI.Complex(re: first.re, im: first.im), CComplexABI.Complex(re: second.re, im: second.im))
        }
        // The ABI carries only complex numbers; Python's tower says which results are
        // real: abs/arg/re/im always, and (for a library without complex_apply_real)
        // an operation on reals whose imaginary part is zero.
        if operation.alwaysReal { return .real(out.re) }
        if operation.alwaysComplex { return .complex(ComplexNumber(out.re, out.im)) }
        if a.isReal && (b?.isReal ?? true) && out.im == 0 { return .real(out.re) }
        return .complex(ComplexNumber(out.re, out.im))
    }

    func check(_ status: Int32, _ operation: MathOperation) throws(OperationError) {
        guard status != 0 else { return }
        guard let kind = FailureTable.kind(ffiStatus: status) else {
            throw .backendFailure("ffi: \(path) returned unknown status \(status) for \(operation.rawValue)")
        }
        // A library need not say why (complex_last_error is optional): the kind's own words.
        let message = lastError?().map { String(cString: $0) }
        switch kind {
        case .unsupported, .backendFailure: throw .unsupported("ffi: \(path) does not support \(operation.spelling)")
        case .divisionByZero: throw .divisionByZero(message ?? "division by zero")
        case .domainError: throw .domainError(message ?? "math domain error")
        case .overflow: throw .overflow(message ?? "math range error")
        case .badArguments: throw .badArguments(message ?? "\(operation.rawValue): wrong number of operands")
        }
    }
}
