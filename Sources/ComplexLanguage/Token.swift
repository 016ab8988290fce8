/// One lexical token of a line, located by byte offsets.
package struct Token: Sendable, Equatable {
    package enum Kind: Sendable, Equatable {
        case number, imaginary, identifier
        case plus, minus, star, slash, power
        case leftParen, rightParen, comma, equals
        case end
    }

    package var kind: Kind
    /// Byte offset of the first byte.
    package var start: Int
    /// Byte offset one past the last byte.
    package var end: Int
    /// The literal's value, for `.number` and `.imaginary` (the `j` coefficient).
    package var number: Double

    package init(_ kind: Kind, _ start: Int, _ end: Int, number: Double = 0) {
        self.kind = kind
        self.start = start
        self.end = end
        self.number = number
    }
}

extension Token.Kind {
    /// How the token reads in a message.
    package var spelling: String {
        switch self {
        case .number, .imaginary: return "a number"
        case .identifier: return "a name"
        case .plus: return "'+'"
        case .minus: return "'-'"
        case .star: return "'*'"
        case .slash: return "'/'"
        case .power: return "'**'"
        case .leftParen: return "'('"
        case .rightParen: return "')'"
        case .comma: return "','"
        case .equals: return "'='"
        case .end: return "the end of the line"
        }
    }
}
