/// How an authorization request failed: shown on Gatehouse's own error page (the client or
/// its redirect URI could not be trusted) or sent back to a verified redirect URI.
public enum AuthorizationFailure: Error, Equatable, Sendable {
    case display(title: String, message: String)
    case redirect(OAuthError, to: VerifiedRedirect, state: String?, responseMode: ResponseMode)
}
