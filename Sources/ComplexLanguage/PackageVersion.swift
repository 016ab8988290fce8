/// The version of complex-repl, printed by `--version` of both executables and named in
/// their man pages.
package enum PackageVersion {
    package static let current = "0.6.0"
}
