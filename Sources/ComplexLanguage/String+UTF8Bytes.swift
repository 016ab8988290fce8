extension String {
    /// `withUTF8` for a body with a typed error: the standard one takes `self` inout and
    /// rethrows as `any Error`, so each caller used to wrap the body in a `Result`.
    package func withUTF8Bytes<Value, Failure: Error>(
        _ body: (UnsafeBufferPointer<UInt8>) throws(Failure) -> Value
    ) throws(Failure) -> Value {
        var copy = self
        let outcome: Result<Value, Failure> = copy.withUTF8 { buffer in
            do throws(Failure) {
                return .success(try body(buffer))
            } catch {
                return .failure(error)
            }
        }
        return try outcome.get()
    }
}
