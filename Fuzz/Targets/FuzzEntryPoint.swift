import Glibc

// One libFuzzer executable for every harness: COMPLEX_FUZZ_TARGET names the one to run
// (scripts/fuzz sets it). One build instead of one per target: a build with
// AddressSanitizer takes minutes, and products linked one after another from a shared
// build folder once came out without coverage counters.
let harnesses: [String: @Sendable (UnsafePointer<UInt8>, Int) -> Int32] = [
    "fuzz-language": fuzzLanguage,
    "fuzz-socket": fuzzSocket,
    "fuzz-http-body": fuzzHTTPBody,
    "fuzz-http": fuzzHTTP,
    "fuzz-replies": fuzzReplies,
    "fuzz-shm": fuzzSharedMemory,
]

let harness: @Sendable (UnsafePointer<UInt8>, Int) -> Int32 = {
    let name = getenv("COMPLEX_FUZZ_TARGET").map { String(cString: $0) } ?? ""
    guard let chosen = harnesses[name] else {
        fatalError("set COMPLEX_FUZZ_TARGET to one of \(harnesses.keys.sorted().joined(separator: ", "))")
    }
    return chosen
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    harness(data, size)
}
