/// A token request (RFC 6749 §3.2), one case per grant Gatehouse supports, each with the fields
/// its grant reads. The web layer builds it from the form once; grants never see the form, and a
/// grant's required fields are there by construction.
public enum TokenRequest: Sendable, Equatable {
    case authorizationCode(AuthorizationCodeGrant.Request)
    case refreshToken(RefreshTokenGrant.Request)
    case clientCredentials(ClientCredentialsGrant.Request)

    public var grantType: GrantType {
        switch self {
        case .authorizationCode: return .authorizationCode
        case .refreshToken: return .refreshToken
        case .clientCredentials: return .clientCredentials
        }
    }
}
