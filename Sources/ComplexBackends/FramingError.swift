/// Why a framing cannot go on reading replies on a connection: the bytes are not the
/// protocol's framing, or a reply is over the framing's limit.
package struct FramingError: Error, Sendable, Equatable, CustomStringConvertible {
    package var reason: String

    package init(_ reason: String) {
        self.reason = reason
    }

    package var description: String { reason }
}
