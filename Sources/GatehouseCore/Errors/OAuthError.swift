/// An OAuth 2.0 / OpenID Connect error as the specs name it (RFC 6749 §4.1.2.1, §5.2;
/// OIDC Core §3.1.2.6; RFC 6750 §3.1): the `error` code and the reason behind it. The reason picks
/// the `error_description`, a fixed text (`OAuthError.Reason`): nothing from the request is ever
/// copied into it. The web layer turns it into HTTP in exactly one place.
public struct OAuthError: Error, Equatable, Sendable, CustomStringConvertible {
    public struct Code: RawRepresentable, Hashable, Sendable {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }

        public static let invalidRequest = Code(rawValue: "invalid_request")
        public static let invalidClient = Code(rawValue: "invalid_client")
        public static let invalidGrant = Code(rawValue: "invalid_grant")
        public static let unauthorizedClient = Code(rawValue: "unauthorized_client")
        public static let unsupportedGrantType = Code(rawValue: "unsupported_grant_type")
        public static let unsupportedResponseType = Code(rawValue: "unsupported_response_type")
        public static let invalidScope = Code(rawValue: "invalid_scope")
        public static let accessDenied = Code(rawValue: "access_denied")
        public static let serverError = Code(rawValue: "server_error")
        public static let temporarilyUnavailable = Code(rawValue: "temporarily_unavailable")
        public static let invalidToken = Code(rawValue: "invalid_token")
        public static let insufficientScope = Code(rawValue: "insufficient_scope")
        public static let loginRequired = Code(rawValue: "login_required")
        public static let consentRequired = Code(rawValue: "consent_required")
        public static let interactionRequired = Code(rawValue: "interaction_required")
        public static let requestNotSupported = Code(rawValue: "request_not_supported")
        public static let requestURINotSupported = Code(rawValue: "request_uri_not_supported")
        public static let registrationNotSupported = Code(rawValue: "registration_not_supported")
    }

    public let code: Code
    public let reason: Reason

    public init(_ code: Code, _ reason: Reason) {
        self.code = code
        self.reason = reason
    }

    /// The `error_description`.
    public var description: String { reason.description }

    /// The fixed answer for anything unexpected; the real error goes to the log.
    public static let internalFailure = OAuthError(.serverError, .internalFailure)
}
