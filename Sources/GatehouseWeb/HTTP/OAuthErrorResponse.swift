import GatehouseCore
import Hummingbird
import Logging

/// The one place where OAuth errors become HTTP (RFC 6749 §5.2, RFC 6750 §3.1). Unexpected
/// errors become `server_error` with a fixed text; the real error goes to the log. Every
/// `error_description` is a fixed text: Core's `OAuthError.Reason` or the web layer's
/// `WebInputError`, never anything copied from the request.
enum OAuthErrorResponse {
    /// An error as it goes on the wire: the code and its description.
    struct Wire: Equatable {
        let code: OAuthError.Code
        let description: String

        init(_ code: OAuthError.Code, _ description: String) {
            self.code = code
            self.description = description
        }

        init(_ error: OAuthError) {
            self.init(error.code, error.description)
        }

        /// `{"error":…,"error_description":…}`: the bytes `JSONEncoder` wrote (sorted keys, slashes
        /// unescaped; `ErrorDescriptionTests` holds them equal), written without it, since every
        /// refused token request pays for this body.
        var jsonBytes: [UInt8] {
            var json = JSONObjectWriter()
            json.write("error", code.rawValue)
            json.write("error_description", description)
            return json.finish()
        }
    }

    /// For the token endpoint and other client-facing JSON APIs.
    static func response(for error: any Error, logger: Logger) -> Response {
        if let refusal = error as? TooManyAttempts {
            // RFC 6749 has no rate-limit error: 429 (RFC 6585 §4) with Retry-After, and the
            // closest OAuth code so clients that only read `error` still back off.
            var response = Responses.json(bytes: wire(error, logger: logger).jsonBytes, status: .tooManyRequests, noStore: true)
            response.headers[.retryAfter] = String(refusal.retryAfterSeconds)
            return response
        }
        let wire = wire(error, logger: logger)
        let status = (error as? WebInputError)?.status ?? status(for: wire.code)
        var response = Responses.json(bytes: wire.jsonBytes, status: status, noStore: true)
        switch wire.code {
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
        let wire = wire(error, logger: logger)
        var response = Responses.json(bytes: wire.jsonBytes, status: status(for: wire.code), noStore: true)
        response.headers[.wwwAuthenticate] =
            "Bearer realm=\"gatehouse\", error=\"\(wire.code.rawValue)\", error_description=\"\(quoted(wire.description))\""
        return response
    }

    /// RFC 6750 §3.1: a request without any token gets the challenge but no error code.
    static func bearerChallenge() -> Response {
        var response = Responses.json(bytes: Wire(OAuthError(.invalidToken, .accessTokenRequired)).jsonBytes, status: .unauthorized, noStore: true)
        response.headers[.wwwAuthenticate] = "Bearer realm=\"gatehouse\""
        return response
    }

    /// The code and description for `error`; unexpected errors are logged when a logger is given.
    static func wire(_ error: any Error, logger: Logger?) -> Wire {
        switch error {
        case let oauth as OAuthError:
            return Wire(oauth)
        case let input as WebInputError:
            return Wire(.invalidRequest, input.description)
        case PasswordHasherError.overloaded:
            return Wire(OAuthError(.temporarilyUnavailable, .serverBusy))
        case let unavailable as ProtectionUnavailable:
            logger?.error("attempt counters unavailable", metadata: ["error": "\(unavailable.underlying)"])
            return Wire(OAuthError(.temporarilyUnavailable, .attemptCountersUnavailable))
        case let refusal as TooManyAttempts:
            return Wire(OAuthError(.temporarilyUnavailable, .tooManyFailedAttempts(retryAfterSeconds: refusal.retryAfterSeconds)))
        default:
            logger?.error("request failed", metadata: ["error": "\(String(reflecting: error))"])
            return Wire(.internalFailure)
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
