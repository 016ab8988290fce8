import ComplexWire
import NIOHTTP1

/// The HTTP status of a response: its code's (`WireErrorCode.httpStatus`), or 200.
enum HTTPStatusMapping {
    static func status(for response: WireResponse) -> HTTPResponseStatus {
        guard case .failure(let code, _) = response else { return .ok }
        // Every failure the server sends is built from a WireErrorCode; 500 would mean
        // one that is not, or one HTTP never carries.
        return HTTPResponseStatus(statusCode: WireErrorCode(rawValue: code)?.httpStatus ?? 500)
    }
}
