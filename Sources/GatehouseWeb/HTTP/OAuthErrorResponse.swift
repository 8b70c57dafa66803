import GatehouseCore
import Hummingbird
import Logging

/// The one place where OAuth errors become HTTP (RFC 6749 §5.2, RFC 6750 §3.1). Unexpected
/// errors become `server_error` with a fixed text; the real error goes to the log.
enum OAuthErrorResponse {
    struct Body: Encodable {
        let error: String
        let errorDescription: String
        enum CodingKeys: String, CodingKey {
            case error
            case errorDescription = "error_description"
        }
    }

    /// For the token endpoint and other client-facing JSON APIs.
    static func response(for error: any Error, logger: Logger) -> Response {
        if let refusal = error as? TooManyAttempts {
            // RFC 6749 has no rate-limit error: 429 (RFC 6585 §4) with Retry-After, and the
            // closest OAuth code so clients that only read `error` still back off.
            var response = Responses.json(
                Body(error: OAuthError.Code.temporarilyUnavailable.rawValue,
                     errorDescription: "too many failed attempts; retry after \(refusal.retryAfterSeconds) seconds"),
                status: .tooManyRequests, noStore: true)
            response.headers[.retryAfter] = String(refusal.retryAfterSeconds)
            return response
        }
        let oauth = oauthError(error, logger: logger)
        let status = (error as? WebInputError)?.status ?? status(for: oauth.code)
        var response = Responses.json(Body(error: oauth.code.rawValue, errorDescription: oauth.description),
                                      status: status, noStore: true)
        switch oauth.code {
        case .invalidClient:
            // RFC 6749 §5.2: 401 with the scheme the client may use.
            response.headers[.wwwAuthenticate] = "Basic realm=\"gatehouse\""
        case .temporarilyUnavailable:
            response.headers[.retryAfter] = error is ProtectionUnavailable ? "5" : "1"
        default:
            break
        }
        return response
    }

    /// For protected resources (userinfo): the error also travels in `WWW-Authenticate`.
    static func bearerResponse(for error: any Error, logger: Logger) -> Response {
        let oauth = oauthError(error, logger: logger)
        var response = Responses.json(Body(error: oauth.code.rawValue, errorDescription: oauth.description),
                                      status: status(for: oauth.code), noStore: true)
        response.headers[.wwwAuthenticate] =
            "Bearer realm=\"gatehouse\", error=\"\(oauth.code.rawValue)\", error_description=\"\(quoted(oauth.description))\""
        return response
    }

    /// RFC 6750 §3.1: a request without any token gets the challenge but no error code.
    static func bearerChallenge() -> Response {
        var response = Responses.json(Body(error: OAuthError.Code.invalidToken.rawValue,
                                           errorDescription: "an access token is required"),
                                      status: .unauthorized, noStore: true)
        response.headers[.wwwAuthenticate] = "Bearer realm=\"gatehouse\""
        return response
    }

    /// The OAuth error for `error`; unexpected errors are logged when a logger is given.
    static func oauthError(_ error: any Error, logger: Logger?) -> OAuthError {
        switch error {
        case let oauth as OAuthError:
            return oauth
        case let input as WebInputError:
            return OAuthError(.invalidRequest, input.reason)
        case PasswordHasherError.overloaded:
            return OAuthError(.temporarilyUnavailable, "the server is busy; retry shortly")
        case let unavailable as ProtectionUnavailable:
            logger?.error("attempt counters unavailable", metadata: ["error": "\(unavailable.underlying)"])
            return OAuthError(.temporarilyUnavailable, "the server cannot count attempts right now; retry shortly")
        case let refusal as TooManyAttempts:
            return OAuthError(.temporarilyUnavailable, "too many failed attempts; retry after \(refusal.retryAfterSeconds) seconds")
        default:
            logger?.error("request failed", metadata: ["error": "\(String(reflecting: error))"])
            return .internalFailure
        }
    }

    static func status(for code: OAuthError.Code) -> HTTPResponse.Status {
        switch code {
        case .invalidClient, .invalidToken: return .unauthorized
        case .insufficientScope: return .forbidden
        case .serverError: return .internalServerError
        case .temporarilyUnavailable: return .serviceUnavailable
        default: return .badRequest
        }
    }

    private static func quoted(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
    }
}
