import ComplexLanguage
import ComplexWire

extension Complex_V1_ComputeReply {
    /// The message for `response`.
    package init(_ response: WireResponse) {
        self.init()
        switch response {
        case .result(let value):
            outcome = .result(Complex_V1_Number(value))
        case .failure(let code, let message):
            var error = Complex_V1_Error()
            error.code = code.spelling
            error.message = message
            outcome = .error(error)
        }
    }

    /// The response it carries, read as a client must: exactly one outcome, and a
    /// result that holds a number.
    package func wireResponse() throws(WireError) -> WireResponse {
        switch outcome {
        case .result(let number)?:
            guard let value = number.value else { throw .notTheProtocol("a reply whose result holds no number") }
            return .result(value)
        case .error(let error)?:
            return .failure(code: WireErrorCode(spelling: error.code), message: error.message)
        case nil:
            throw .notTheProtocol("a reply with neither a result nor an error")
        }
    }
}
