extension OAuthError {
    /// Why a request was refused, as `error_description` says it: a fixed English text for the
    /// client's developer (RFC 6749 §5.2: "human-readable ASCII", no `"` or `\`). A reason may
    /// name a parameter Gatehouse reads (`ParameterName`), a grant type or a number the server
    /// chose; it never carries anything copied from the request, so no description can echo
    /// input. `allCases` lists every text there is, for the tests that hold them to that.
    public enum Reason: Equatable, Sendable, CustomStringConvertible {
        // The request's syntax: parsed once, before anything else runs.
        /// RFC 6749 §3.1, §3.2: no parameter may be sent twice. Named when Gatehouse reads it.
        case repeatedParameter(ParameterName?)
        case missingParameter(ParameterName)
        case unsupportedGrantType
        case malformedScope

        // Client authentication (RFC 6749 §2.3).
        case twoAuthenticationMethods
        case malformedBasicCredentials
        case clientIDMismatch
        case clientAuthenticationRequired
        case clientAuthenticationFailed
        case publicClientHasNoSecret
        case introspectionNeedsConfidentialClient

        // The token endpoint's grants (RFC 6749 §4.1.3, §4.4, §6; RFC 7636 §4.6).
        case grantNotAllowed(GrantType)
        case publicClientCredentials
        case scopeNotAvailable
        case codeInvalidOrExpired
        case codeAlreadyUsed
        case codeIssuedToAnotherClient
        case redirectURIDiffers
        case unexpectedCodeVerifier
        case codeVerifierMismatch
        case refreshTokenInvalid
        case refreshTokenReused
        case scopeExceedsGrant

        // The authorization request, sent back to a verified redirect URI (RFC 6749 §4.1.2.1).
        case requestObjectsNotSupported
        case requestURINotSupported
        case unsupportedResponseMode
        case unsupportedResponseType
        case challengeMethodWithoutChallenge
        case pkceRequired
        case challengeMethodNotS256
        case malformedCodeChallenge
        case unsupportedPrompt
        case promptNoneCombined
        case malformedMaxAge
        case foreignIDTokenHint
        case malformedOrganization
        // ... and its outcome for a signed-in browser (OIDC Core §3.1.2.6).
        case notSignedIn
        case userDenied
        case secondFactorNeeded
        case consentNeeded
        /// The user may not act for the organization the request named (or it does not exist:
        /// the same words, so nothing is learnt about it).
        case organizationNotAvailable
        /// `prompt=none`, but the user belongs to several organizations and none was named.
        case organizationChoiceNeeded
        /// A grant's organization no longer has the user as a member (token endpoint and userinfo).
        case organizationMembershipEnded
        /// The support session a code or token was issued in has ended, expired or is no longer allowed.
        case supportSessionEnded
        /// A support session asked for an app the user has not allowed: it cannot consent for them.
        case consentInSupportSession

        // Bearer tokens at protected resources (RFC 6750 §3.1, RFC 9068 §4, OIDC Core §5.3).
        case accessTokenRequired
        case accessTokenSentTwice
        case notBearerScheme
        case accessTokenUnverifiable
        case notAnAccessToken
        case accessTokenMalformed
        case accessTokenFromAnotherIssuer
        case accessTokenExpired
        case accessTokenRevoked
        case accessTokenLacksOpenID
        case accessTokenUserGone
        case accessTokenOfNoUser
        case accessTokenAccountNotActive
        /// A personal access token (`ghpat_…`) that is malformed, unknown, revoked, expired, or
        /// whose owner may not act: one answer for all (the audit trail says which).
        case apiKeyInvalid
        /// A personal access token where only tokens speaking for a present user work (`/userinfo`).
        case apiKeyNotAccepted

        // The server's own state.
        case internalFailure
        case serverBusy
        case attemptCountersUnavailable
        case tooManyFailedAttempts(retryAfterSeconds: Int)

        public var description: String {
            switch self {
            case .repeatedParameter(let name?): return "the parameter \(name.rawValue) was included more than once"
            case .repeatedParameter(nil): return "a parameter was included more than once"
            case .missingParameter(let name): return "\(name.rawValue) is required"
            case .unsupportedGrantType: return "grant_type names a grant this server does not support"
            case .malformedScope: return "scope contains characters that are not allowed"

            case .twoAuthenticationMethods: return "use one client authentication method, not two"
            case .malformedBasicCredentials: return "the Authorization header is not valid Basic credentials"
            case .clientIDMismatch: return "client_id differs from the authenticated client"
            case .clientAuthenticationRequired: return "client authentication is required"
            case .clientAuthenticationFailed: return "client authentication failed"
            case .publicClientHasNoSecret: return "this is a public client: it has no secret"
            case .introspectionNeedsConfidentialClient: return "introspection needs a confidential client that authenticates with its secret"

            case .grantNotAllowed(let grant): return "this client may not use the \(grant.rawValue) grant"
            case .publicClientCredentials: return "public clients may not use client_credentials"
            case .scopeNotAvailable: return "scope names a scope that is not available to this client"
            case .codeInvalidOrExpired: return "the code is invalid or expired"
            case .codeAlreadyUsed: return "the code was already used; the tokens it issued are revoked"
            case .codeIssuedToAnotherClient: return "the code was issued to another client"
            case .redirectURIDiffers: return "redirect_uri differs from the one in the authorization request"
            case .unexpectedCodeVerifier: return "code_verifier was sent but the authorization request had no code_challenge"
            case .codeVerifierMismatch: return "code_verifier does not match the code_challenge"
            case .refreshTokenInvalid: return "the refresh token is invalid, expired or revoked"
            case .refreshTokenReused: return "the refresh token was already used; its family is revoked"
            case .scopeExceedsGrant: return "scope exceeds what was originally granted"

            case .requestObjectsNotSupported: return "request objects are not supported"
            case .requestURINotSupported: return "request_uri is not supported"
            case .unsupportedResponseMode: return "response_mode must be query or form_post"
            case .unsupportedResponseType: return "only response_type=code is supported"
            case .challengeMethodWithoutChallenge: return "code_challenge_method was sent without code_challenge"
            case .pkceRequired: return "public clients must use PKCE (code_challenge with S256)"
            case .challengeMethodNotS256: return "code_challenge_method must be S256"
            case .malformedCodeChallenge: return "code_challenge is malformed"
            case .unsupportedPrompt: return "prompt holds a value that is not supported"
            case .promptNoneCombined: return "prompt=none cannot be combined with other values"
            case .malformedMaxAge: return "max_age must be a non-negative integer"
            case .foreignIDTokenHint: return "id_token_hint is not an ID token issued by this server"
            case .malformedOrganization: return "organization must be an organization id or slug"
            case .notSignedIn: return "the user is not signed in"
            case .userDenied: return "the user denied the request"
            case .secondFactorNeeded: return "the request needs a second factor"
            case .consentNeeded: return "the user has not approved this application"
            case .organizationNotAvailable: return "the user may not sign in to the requested organization"
            case .organizationChoiceNeeded: return "the user must choose an organization"
            case .organizationMembershipEnded: return "the user no longer belongs to the organization of this grant"
            case .supportSessionEnded: return "the support session this was issued in has ended"
            case .consentInSupportSession: return "a support session cannot approve an application for the user"

            case .accessTokenRequired: return "an access token is required"
            case .accessTokenSentTwice: return "send the access token once, not in two places"
            case .notBearerScheme: return "the Authorization header must use the Bearer scheme"
            case .accessTokenUnverifiable: return "the access token is malformed or its signature is invalid"
            case .notAnAccessToken: return "the token is not an access token"
            case .accessTokenMalformed: return "the access token is malformed"
            case .accessTokenFromAnotherIssuer: return "the access token was issued by another server"
            case .accessTokenExpired: return "the access token has expired"
            case .accessTokenRevoked: return "the access token was revoked"
            case .accessTokenLacksOpenID: return "the access token lacks the openid scope"
            case .accessTokenUserGone: return "the access token's user no longer exists"
            case .accessTokenOfNoUser: return "the access token was issued to a client, not to a user"
            case .accessTokenAccountNotActive: return "the access token's account is suspended, deactivated, or was since"
            case .apiKeyInvalid: return "the API key is invalid, revoked or expired"
            case .apiKeyNotAccepted: return "an API key is not accepted here; it works at /api/v1 and /introspect"

            case .internalFailure: return "the server could not complete the request"
            case .serverBusy: return "the server is busy; retry shortly"
            case .attemptCountersUnavailable: return "the server cannot count attempts right now; retry shortly"
            case .tooManyFailedAttempts(let seconds): return "too many failed attempts; retry after \(seconds) seconds"
            }
        }

        /// Every reason, each parameterised one with every value it can take (the retry delay
        /// with a sample): the complete set of descriptions Core can give. Add a new case here too.
        public static var allCases: [Reason] {
            ParameterName.allCases.map { .repeatedParameter($0) } + [.repeatedParameter(nil)]
                + ParameterName.allCases.map { .missingParameter($0) }
                + GrantType.allCases.map { .grantNotAllowed($0) }
                + [.unsupportedGrantType, .malformedScope,
                   .twoAuthenticationMethods, .malformedBasicCredentials, .clientIDMismatch, .clientAuthenticationRequired,
                   .clientAuthenticationFailed, .publicClientHasNoSecret, .introspectionNeedsConfidentialClient,
                   .publicClientCredentials, .scopeNotAvailable, .codeInvalidOrExpired, .codeAlreadyUsed,
                   .codeIssuedToAnotherClient, .redirectURIDiffers, .unexpectedCodeVerifier, .codeVerifierMismatch,
                   .refreshTokenInvalid, .refreshTokenReused, .scopeExceedsGrant,
                   .requestObjectsNotSupported, .requestURINotSupported, .unsupportedResponseMode, .unsupportedResponseType,
                   .challengeMethodWithoutChallenge, .pkceRequired, .challengeMethodNotS256, .malformedCodeChallenge,
                   .unsupportedPrompt, .promptNoneCombined, .malformedMaxAge, .foreignIDTokenHint, .malformedOrganization,
                   .notSignedIn, .userDenied, .secondFactorNeeded, .consentNeeded,
                   .organizationNotAvailable, .organizationChoiceNeeded, .organizationMembershipEnded, .supportSessionEnded, .consentInSupportSession,
                   .accessTokenRequired, .accessTokenSentTwice, .notBearerScheme, .accessTokenUnverifiable,
                   .notAnAccessToken, .accessTokenMalformed, .accessTokenFromAnotherIssuer, .accessTokenExpired,
                   .accessTokenRevoked, .accessTokenLacksOpenID, .accessTokenUserGone, .accessTokenOfNoUser,
                   .accessTokenAccountNotActive, .apiKeyInvalid, .apiKeyNotAccepted, .internalFailure, .serverBusy, .attemptCountersUnavailable, .tooManyFailedAttempts(retryAfterSeconds: 300)]
        }
    }
}
