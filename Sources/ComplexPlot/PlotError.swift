/// Why a plot could not be made; each description says what to change.
package enum PlotError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The corners of the region are not a rectangle from lower left to upper right.
    case badRegion(String)
    /// The size is not `WxH` within the limits.
    case badSize(String)
    /// The expression does not parse, or names what does not exist.
    case badExpression(String)
    /// The backend failed in the middle: no picture is presented as done.
    case backend(String)
    /// The picture could not be written.
    case cannotWrite(String)

    package var description: String {
        switch self {
        case .badRegion(let m), .badSize(let m), .badExpression(let m), .cannotWrite(let m): return m
        case .backend(let m): return "the backend failed, so no picture was made: \(m)"
        }
    }
}
