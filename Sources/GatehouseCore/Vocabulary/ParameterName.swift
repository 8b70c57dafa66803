/// The request parameters Gatehouse reads at its OAuth 2.0 / OpenID Connect endpoints, by their
/// spec names (RFC 6749 §4.1.1, §4.1.3, §6, §2.3.1; RFC 7636 §4; RFC 7009 §2.1; RFC 7662 §2.1;
/// RFC 6750 §2.2; OIDC Core §3.1.2.1; RP-Initiated Logout §2).
///
/// An error description that names a parameter names one of these, chosen by the code that
/// refuses it: never a name copied from the request (RFC 6749 §5.2 limits `error_description` to
/// a safe ASCII set, and a name from the request is input like any value).
public enum ParameterName: String, CaseIterable, Sendable {
    // Authorization request (RFC 6749 §4.1.1, RFC 7636 §4.3, OIDC Core §3.1.2.1, §6).
    case responseType = "response_type"
    case clientID = "client_id"
    case redirectURI = "redirect_uri"
    case scope
    case state
    case responseMode = "response_mode"
    case nonce
    case display
    case prompt
    case maxAge = "max_age"
    case uiLocales = "ui_locales"
    case claimsLocales = "claims_locales"
    case idTokenHint = "id_token_hint"
    case loginHint = "login_hint"
    case acrValues = "acr_values"
    case codeChallenge = "code_challenge"
    case codeChallengeMethod = "code_challenge_method"
    case request
    case requestURI = "request_uri"
    // The organization a sign-in acts for, by id or slug (as Auth0 names it; issue 10).
    case organization
    // Token request (RFC 6749 §4.1.3, §6, §2.3.1; RFC 7636 §4.5).
    case grantType = "grant_type"
    case code
    case codeVerifier = "code_verifier"
    case refreshToken = "refresh_token"
    case clientSecret = "client_secret"
    // Revocation and introspection (RFC 7009 §2.1, RFC 7662 §2.1).
    case token
    case tokenTypeHint = "token_type_hint"
    // UserInfo in a form body (RFC 6750 §2.2).
    case accessToken = "access_token"
    // RP-initiated logout (RP-Initiated Logout 1.0 §2).
    case postLogoutRedirectURI = "post_logout_redirect_uri"
}
