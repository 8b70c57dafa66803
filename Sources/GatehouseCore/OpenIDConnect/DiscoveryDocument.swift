/// Provider metadata (OIDC Discovery 1.0 §3, RFC 8414 §2). Every URL derives from the issuer.
public struct DiscoveryDocument: Encodable, Sendable {
    public let issuer: String
    public let authorizationEndpoint: String
    public let tokenEndpoint: String
    public let userinfoEndpoint: String
    public let jwksURI: String
    public let revocationEndpoint: String
    public let introspectionEndpoint: String
    public let endSessionEndpoint: String
    public let scopesSupported = ["openid", "profile", "email", "offline_access", "organization", "roles", "gatehouse:manage"]
    public let responseTypesSupported = ["code"]
    public let responseModesSupported = ["query", "form_post"]
    public let grantTypesSupported = GrantType.allCases.map(\.rawValue)
    public let subjectTypesSupported = ["public"]
    public let idTokenSigningAlgValuesSupported = ["RS256"]
    public let tokenEndpointAuthMethodsSupported = ["client_secret_basic", "client_secret_post", "none"]
    public let codeChallengeMethodsSupported = ["S256"]
    /// RFC 7009 §2.1: public clients may revoke their own tokens with their client_id alone.
    public let revocationEndpointAuthMethodsSupported = ["client_secret_basic", "client_secret_post", "none"]
    /// RFC 7662 §2.1: only clients that prove themselves may introspect.
    public let introspectionEndpointAuthMethodsSupported = ["client_secret_basic", "client_secret_post"]
    public let acrValuesSupported = AuthenticationMethods.supportedClasses
    public let claimsSupported = ["iss", "sub", "aud", "exp", "iat", "auth_time", "nonce", "at_hash", "sid", "amr", "acr", "azp",
                                  "name", "given_name", "family_name", "picture", "updated_at", "email", "email_verified",
                                  "org_id", "org_slug", "org_name", "roles"]
    public let promptValuesSupported = ["none", "login", "consent", "select_account"]
    public let authorizationResponseIssParameterSupported = true
    public let claimsParameterSupported = false
    public let requestParameterSupported = false
    public let requestURIParameterSupported = false

    public init(issuer: String) {
        self.issuer = issuer
        authorizationEndpoint = issuer + "/authorize"
        tokenEndpoint = issuer + "/token"
        userinfoEndpoint = issuer + "/userinfo"
        jwksURI = issuer + "/jwks.json"
        revocationEndpoint = issuer + "/revoke"
        introspectionEndpoint = issuer + "/introspect"
        endSessionEndpoint = issuer + "/logout"
    }

    enum CodingKeys: String, CodingKey {
        case issuer
        case authorizationEndpoint = "authorization_endpoint"
        case tokenEndpoint = "token_endpoint"
        case userinfoEndpoint = "userinfo_endpoint"
        case jwksURI = "jwks_uri"
        case revocationEndpoint = "revocation_endpoint"
        case introspectionEndpoint = "introspection_endpoint"
        case endSessionEndpoint = "end_session_endpoint"
        case scopesSupported = "scopes_supported"
        case responseTypesSupported = "response_types_supported"
        case responseModesSupported = "response_modes_supported"
        case grantTypesSupported = "grant_types_supported"
        case subjectTypesSupported = "subject_types_supported"
        case idTokenSigningAlgValuesSupported = "id_token_signing_alg_values_supported"
        case tokenEndpointAuthMethodsSupported = "token_endpoint_auth_methods_supported"
        case codeChallengeMethodsSupported = "code_challenge_methods_supported"
        case revocationEndpointAuthMethodsSupported = "revocation_endpoint_auth_methods_supported"
        case introspectionEndpointAuthMethodsSupported = "introspection_endpoint_auth_methods_supported"
        case acrValuesSupported = "acr_values_supported"
        case claimsSupported = "claims_supported"
        case promptValuesSupported = "prompt_values_supported"
        case authorizationResponseIssParameterSupported = "authorization_response_iss_parameter_supported"
        case claimsParameterSupported = "claims_parameter_supported"
        case requestParameterSupported = "request_parameter_supported"
        case requestURIParameterSupported = "request_uri_parameter_supported"
    }
}
