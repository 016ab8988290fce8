// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "complex-repl",
    products: [
        .executable(name: "complex-repl", targets: ["complex-repl"]),
        .library(name: "ComplexLanguage", targets: ["ComplexLanguage"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-numerics", from: "1.1.1"),
    ],
    targets: [
        // libedit, reached through a module map and a few non-variadic inline shims.
        .systemLibrary(
            name: "CLibedit",
            path: "Modules/CLibedit",
            pkgConfig: "libedit",
            providers: [.apt(["libedit-dev"])]
        ),
        // The language: numbers, operations, lexer, parser, evaluator, formatting.
        .target(
            name: "ComplexLanguage",
            dependencies: [.product(name: "ComplexModule", package: "swift-numerics")]
        ),
        // Client-side backends: where each operation is computed.
        .target(
            name: "ComplexBackends",
            dependencies: ["ComplexLanguage"]
        ),
        // The REPL: line editor, session, meta-commands, pipe mode.
        .target(
            name: "ComplexREPL",
            dependencies: ["ComplexLanguage", "ComplexBackends", "CLibedit"]
        ),
        .executableTarget(
            name: "complex-repl",
            dependencies: [
                "ComplexREPL", "ComplexBackends", "ComplexLanguage",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Helpers for tests: running built programs, driving a pseudo-terminal.
        .target(name: "CPseudoTerminal", path: "Tests/CPseudoTerminal"),
        .target(name: "TestSupport", dependencies: ["CPseudoTerminal"], path: "Tests/TestSupport"),
        .testTarget(
            name: "ComplexLanguageTests",
            dependencies: ["ComplexLanguage", "ComplexBackends"]
        ),
        .testTarget(
            name: "ComplexREPLTests",
            dependencies: ["ComplexREPL", "ComplexLanguage", "ComplexBackends", "TestSupport"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
