import ComplexLanguage
import ComplexWire

// HTTP request bodies (`POST /<op>`): the first byte picks the operation from the
// path, the rest is the body. A body that decodes must survive encode → decode
// unchanged (bit for bit, NaN and -0.0 included), and any response must decode.
func fuzzHTTPBody(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard size > 0 else { return 0 }
    let operations = MathOperation.allCases
    let operation = operations[Int(data[0]) % operations.count]
    let body = UnsafeBufferPointer(start: data + 1, count: size - 1)
    checkPlainRequest(body, operation: operation)
    var writer = JSONWriter()
    var out: [UInt8] = []
    let response: WireResponse
    do throws(WireError) {
        let request = try WireRequest.decode(body, operation: operation)
        request.encode(to: &out, writer: &writer)
        let again = try out.withUnsafeBufferPointer { buffer throws(WireError) in try WireRequest.decode(buffer) }
        precondition(again.operation == request.operation
                     && again.a.isIdentical(to: request.a)
                     && (again.b == nil) == (request.b == nil)
                     && (again.b.map { $0.isIdentical(to: request.b!) } ?? true),
                     "request changed in a round trip: \(request) → \(again)")
        do throws(OperationError) {
            response = .result(try request.operation.perform(request.a, request.b))
        } catch {
            response = WireResponse(.operation(error))
        }
    } catch {
        response = WireResponse(error)
    }
    out.removeAll()
    response.encode(to: &out, writer: &writer)
    let decoded = out.withUnsafeBufferPointer { (try? WireResponse.decode($0)) != nil }
    precondition(decoded, "response is not protocol JSON: \(String(decoding: out, as: UTF8.self))")
    return 0
}
