import ComplexLanguage

extension Complex_V1_Number {
    /// `value` as it travels: a real stays a real, as on the JSON wire.
    package init(_ value: Value) {
        self.init()
        switch value {
        case .real(let x):
            kind = .real(x)
        case .complex(let z):
            var number = Complex_V1_Complex()
            number.real = z.re
            number.imag = z.im
            kind = .complex(number)
        }
    }

    /// The language's value; nil when the message sets neither kind.
    package var value: Value? {
        switch kind {
        case .real(let x)?: return .real(x)
        case .complex(let z)?: return .complex(ComplexNumber(z.real, z.imag))
        case nil: return nil
        }
    }
}
