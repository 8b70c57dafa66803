/// How an authorization request failed: shown on Gatehouse's own error page, because the client
/// or its redirect URI could not be trusted (RFC 6749 §4.1.2.1) or a value was over its cap, or
/// sent back to a verified redirect URI as an OAuth error.
public enum AuthorizationFailure: Error, Equatable, Sendable {
    case display(Displayed)
    case redirect(OAuthError, to: VerifiedRedirect, state: String?, responseMode: ResponseMode)

    /// Why the failure is shown rather than redirected. The web layer words each as a page.
    public enum Displayed: Equatable, Sendable {
        /// A parameter's value is longer than `AuthorizationParameterLimits` allows; `parameter`
        /// is the name as that table spells it.
        case valueTooLong(parameter: String, limit: Int)
        /// `client_id` is missing or repeated.
        case missingClientID
        /// No client is registered under `client_id`.
        case unknownClient
        /// `redirect_uri` is missing or repeated.
        case missingRedirectURI
        /// The client has not registered `redirect_uri`.
        case unregisteredRedirectURI
        /// The client, or the redirect URI, went away while the request was pending.
        case clientNoLongerRegistered
    }
}
