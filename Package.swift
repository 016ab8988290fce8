// swift-tools-version:6.1
import PackageDescription

// gRPC (grpc-swift 2 on SwiftNIO's HTTP/2) is left out of the fuzzer's build, which
// would otherwise compile NIO, BoringSSL and protobuf under the sanitizer for harnesses
// that never reach them: `COMPLEX_WITHOUT_GRPC` drops the files under GRPC/ and the
// `grpc` backend's registration line.
let fuzzing = Context.environment["COMPLEX_REPL_FUZZ"] != nil
let grpcDependencies: [Target.Dependency] = fuzzing ? [] : [
    "ComplexGRPC",
    .product(name: "GRPCCore", package: "grpc-swift-2"),
    .product(name: "GRPCNIOTransportHTTP2Posix", package: "grpc-swift-nio-transport"),
    .product(name: "NIOCore", package: "swift-nio"),
]
let grpcSettings: [SwiftSetting] = fuzzing ? [.define("COMPLEX_WITHOUT_GRPC")] : []
let grpcExclusions = fuzzing ? ["GRPC"] : []

let package = Package(
    name: "complex-repl",
    products: [
        .executable(name: "complex-repl", targets: ["complex-repl"]),
        .executable(name: "complex-server", targets: ["complex-server"]),
        .library(name: "ComplexLanguage", targets: ["ComplexLanguage"]),
        // The bundled FFI library, loaded by `--backend ffi` (docs/FFI.md).
        .library(name: "ComplexFFI", type: .dynamic, targets: ["ComplexFFI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/grpc/grpc-swift-2", from: "2.4.3"),
        .package(url: "https://github.com/grpc/grpc-swift-nio-transport", from: "2.9.2"),
        .package(url: "https://github.com/grpc/grpc-swift-protobuf", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    ],
    targets: [
        // libedit, reached through a module map and a few non-variadic inline shims.
        .systemLibrary(
            name: "CLibedit",
            path: "Modules/CLibedit",
            pkgConfig: "libedit",
            providers: [.apt(["libedit-dev"])]
        ),
        // The language: numbers, operations (CPython's arithmetic and cmath), lexer,
        // parser, evaluator, formatting. No dependencies: the functions are ports of
        // CPython's C on the C library, which swift-numerics does not match bit for bit.
        .target(name: "ComplexLanguage"),
        // The wire formats shared by clients and the server: the protocol's JSON requests,
        // responses and error codes, HTTP/1.1 syntax (chunked bodies, header rules), the
        // shm region's layout, slots and handshake, and socket and HTTP addresses. One
        // module, since each format has two ends here (a client and the server) and
        // both must import the one spelling of it.
        .target(
            name: "ComplexWire",
            dependencies: ["ComplexLanguage", "CSharedMemory", "CComplexABI"]
        ),
        // The gRPC contract: the messages and service stubs generated from Protos/
        // (complex.v1.Calculator, grpc.health.v1.Health) by scripts/generate-grpc and
        // committed, and their conversion to and from the wire's requests and responses.
        .target(
            name: "ComplexGRPC",
            dependencies: [
                "ComplexLanguage", "ComplexWire",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ]
        ),
        // Atomics, futexes and memfds for the shm channel's region, which Swift cannot
        // reach directly: one header of inline functions, no code.
        .systemLibrary(name: "CSharedMemory", path: "Modules/CSharedMemory"),
        // accept4(2), which Glibc declares only under _GNU_SOURCE: one header, no code.
        .systemLibrary(name: "CSocket", path: "Modules/CSocket"),
        // The C ABI of FFI libraries: one header, no code.
        .systemLibrary(name: "CComplexABI", path: "Modules/CComplexABI"),
        // The bundled library implementing that ABI with the language's arithmetic (and
        // ComplexWire's table of the ABI's failure numbers).
        .target(
            name: "ComplexFFI",
            dependencies: ["ComplexLanguage", "ComplexWire", "CComplexABI"]
        ),
        // libpng's header, for the plots' PNG files; the library is loaded on first use.
        .systemLibrary(
            name: "CPNG",
            path: "Modules/CPNG",
            providers: [.apt(["libpng-dev"])]
        ),
        // Pictures of complex functions: an expression in z evaluated over a grid on a
        // backend, coloured as mpmath's cplot, written as PNG or drawn in a terminal.
        .target(
            name: "ComplexPlot",
            dependencies: ["ComplexLanguage", "CPNG"]
        ),
        // Client-side backends: where each operation is computed (`grpc`'s, on
        // grpc-swift, under GRPC/).
        .target(
            name: "ComplexBackends",
            dependencies: [
                "ComplexLanguage", "ComplexWire", "CComplexABI",
            ] + grpcDependencies,
            exclude: grpcExclusions,
            swiftSettings: grpcSettings
        ),
        // The server: the operations over a Unix socket and HTTP/1.1, a thread per
        // connection on blocking sockets (no event loop: see `Connection`), and over
        // gRPC on grpc-swift's own event loops (GRPC/).
        .target(
            name: "ComplexServer",
            dependencies: [
                "ComplexLanguage", "ComplexWire", "CSocket",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ] + grpcDependencies,
            exclude: grpcExclusions,
            swiftSettings: grpcSettings
        ),
        .executableTarget(
            name: "complex-server",
            dependencies: [
                "ComplexServer", "ComplexWire",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        // `complex-repl bench`: what an operation costs through each backend.
        .target(
            name: "ComplexBench",
            dependencies: [
                "ComplexLanguage", "ComplexBackends", "ComplexREPL",
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ]
        ),
        // The REPL: line editor, session, meta-commands, the startup file, pipe mode, and
        // the plots' front end (the terminal, the progress bar, the summary line).
        .target(
            name: "ComplexREPL",
            dependencies: ["ComplexLanguage", "ComplexBackends", "ComplexPlot", "CLibedit"]
        ),
        .executableTarget(
            name: "complex-repl",
            dependencies: [
                "ComplexREPL", "ComplexBackends", "ComplexLanguage", "ComplexBench",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            // A position-dependent release executable: with the Swift runtime linked in
            // (scripts/build-release), a PIE spends a sixth of `complex-repl -e 1+1` on
            // 51,000 start-up relocations (3.1 ms against 2.6 ms). The REPL is a local
            // client that crosses no privilege boundary; complex-server, which listens,
            // stays a PIE with full ASLR.
            //
            // And a dynamic symbol table of `main` alone: SwiftPM exports every symbol of
            // an executable (for tests that import it), and the Swift runtime's start-up
            // (Backtrace.cpp's root path) calls dladdr, which scans that table. With gRPC
            // linked in it held 45,000 symbols, and `complex-repl -e 1+1` took 3.8 ms
            // against 2.8 without gRPC; with `main` alone 2.6 ms (2.2 ms without gRPC,
            // python3 -S 8.9 ms; hyperfine, 300 runs each, interleaved).
            exclude: ["exports.map"],
            linkerSettings: [
                .unsafeFlags(["-Xlinker", "-no-pie",
                              "-Xlinker", "--version-script=\(Context.packageDirectory)/Sources/complex-repl/exports.map"],
                             .when(configuration: .release)),
            ]
        ),
        // Helpers for tests: running built programs, driving a pseudo-terminal.
        .target(name: "CPseudoTerminal", path: "Tests/CPseudoTerminal"),
        .target(name: "TestSupport", dependencies: ["CPseudoTerminal"], path: "Tests/TestSupport"),
        .testTarget(
            name: "ComplexLanguageTests",
            dependencies: ["ComplexLanguage", "TestSupport"]
        ),
        .testTarget(
            name: "ComplexBackendsTests",
            // ComplexServer too: the shm backend is tested against a server in the
            // same process.
            dependencies: ["ComplexBackends", "ComplexServer", "TestSupport"]
        ),
        .testTarget(
            name: "ComplexREPLTests",
            dependencies: [
                // Imported: complex_repl, TestSupport, ArgumentParser. Run as processes or
                // loaded: complex-server and ComplexFFI, built before the tests.
                "complex-repl", "TestSupport", "complex-server", "ComplexFFI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "ComplexServerTests",
            dependencies: [
                "ComplexLanguage", "ComplexWire", "ComplexServer", "TestSupport", "complex-server",
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)

// The libFuzzer executable, with every harness (COMPLEX_FUZZ_TARGET picks one), built
// only on request, since it has no main():
//   COMPLEX_REPL_FUZZ=1 swift build --sanitize=fuzzer --product fuzz --scratch-path .build-fuzz
// scripts/fuzz builds and runs them.
if Context.environment["COMPLEX_REPL_FUZZ"] != nil {
    let fuzzFlags: [SwiftSetting] = [.unsafeFlags(["-parse-as-library"])]
    package.targets += [
        .executableTarget(
            name: "fuzz",
            dependencies: [
                "ComplexLanguage", "ComplexREPL", "ComplexBackends", "ComplexWire", "ComplexServer",
            ],
            path: "Fuzz/Targets", swiftSettings: fuzzFlags),
    ]
}
