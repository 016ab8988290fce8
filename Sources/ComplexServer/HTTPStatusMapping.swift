import ComplexWire

/// HTTP statuses: a response's (its error code's `WireErrorCode.httpStatus`, or 200),
/// and each status's reason phrase.
enum HTTPStatusMapping {
    static func status(for response: WireResponse) -> Int {
        guard case .failure(let code, _) = response else { return 200 }
        // 500 would mean a code HTTP never carries (the socket's own, or the clients').
        return code.httpStatus ?? 500
    }

    /// The reason phrase of every status the server sends (RFC 9110 §15).
    static func reasonPhrase(_ status: Int) -> String {
        switch status {
        case 200: return "OK"
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 413: return "Payload Too Large"
        case 422: return "Unprocessable Entity"
        case 501: return "Not Implemented"
        case 503: return "Service Unavailable"
        default: return "Internal Server Error"
        }
    }
}
