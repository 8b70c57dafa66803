import Foundation

/// A validated authorization request waiting for the user (login, consent, and later
/// registration or email verification). Kept in the ephemeral store for 30 minutes under a
/// random id that the pages carry.
public struct PendingAuthorization: Sendable, Codable, Equatable {
    public var clientID: String
    public var redirectURI: String
    public var scopes: [String]
    public var state: String?
    public var nonce: String?
    public var codeChallenge: String?
    public var prompt: Set<Prompt>
    public var maxAge: Int?
    public var loginHint: String?
    /// The `sub` of a valid `id_token_hint`: only that user may answer this request.
    public var expectedSubject: String?
    public var responseMode: ResponseMode
    public var createdAt: Date
    /// Set once the user has signed in during this request, so `prompt=login` and `max_age`
    /// are satisfied by that fresh login instead of forcing another.
    public var authenticatedSessionID: UUID?
    /// The `acr_values` asked for (OIDC Core §3.1.2.1), in order.
    public var acrValues: [String]?
    /// True when this request needs a second factor: `acr_values` asked for `mfa` or the client
    /// requires it. (Optional so requests saved before the field existed still decode.)
    public var requiresMFA: Bool?
    /// The `organization` parameter (issue 10): the organization this sign-in must act for, by
    /// id or slug. Whether the user may act for it is decided when they are known
    /// (`AuthorizationFlow`, `ActiveOrganization`), never here.
    public var requestedOrganization: OrganizationReference?
    /// The organization the user picked on the organization picker, for a request that named
    /// none; checked again, like a named one, before any code is issued.
    public var chosenOrganizationID: UUID?

    public init(clientID: String, redirectURI: String, scopes: [String], state: String?, nonce: String?,
                codeChallenge: String?, prompt: Set<Prompt>, maxAge: Int?, loginHint: String?,
                expectedSubject: String?, responseMode: ResponseMode, createdAt: Date) {
        self.clientID = clientID
        self.redirectURI = redirectURI
        self.scopes = scopes
        self.state = state
        self.nonce = nonce
        self.codeChallenge = codeChallenge
        self.prompt = prompt
        self.maxAge = maxAge
        self.loginHint = loginHint
        self.expectedSubject = expectedSubject
        self.responseMode = responseMode
        self.createdAt = createdAt
    }
}
