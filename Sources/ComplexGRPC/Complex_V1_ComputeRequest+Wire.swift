import ComplexLanguage
import ComplexWire

extension Complex_V1_ComputeRequest {
    /// The message for `request`.
    package init(_ request: WireRequest) {
        self.init()
        operation = request.operation.rawValue
        a = Complex_V1_Number(request.a)
        if let b = request.b { self.b = Complex_V1_Number(b) }
    }

    /// The request it asks for, checked as the JSON wire checks one
    /// (`WireRequest.checked`), with the same errors: `unknownOperation` for a name
    /// no operation has, `badArguments` for missing, empty or extra operands.
    package func wireRequest() throws(WireError) -> WireRequest {
        guard let operation = MathOperation(rawValue: operation) else {
            throw WireRequest.unknownOperation(self.operation)
        }
        func operand(_ number: Complex_V1_Number, _ present: Bool, _ name: String) throws(WireError) -> Value? {
            guard present else { return nil }
            guard let value = number.value else { throw .badArguments("operand \"\(name)\" is set but holds no number") }
            return value
        }
        return try WireRequest.checked(operation, try operand(a, hasA, "a"), try operand(b, hasB, "b"))
    }
}
