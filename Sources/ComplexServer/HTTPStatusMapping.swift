import ComplexWire
import NIOHTTP1

/// The HTTP status for each wire error code (docs/PROTOCOL.md).
enum HTTPStatusMapping {
    static func status(for response: WireResponse) -> HTTPResponseStatus {
        guard case .failure(let code, _) = response else { return .ok }
        switch code {
        case "bad_json", "bad_arguments", "bad_request": return .badRequest
        case "unknown_operation", "not_found": return .notFound
        case "division_by_zero", "domain_error", "overflow": return .unprocessableEntity
        case "body_too_large": return .payloadTooLarge
        case "method_not_allowed": return .methodNotAllowed
        case "unauthorized": return .unauthorized
        case "too_many_connections": return .serviceUnavailable
        default: return .internalServerError
        }
    }
}
