import Foundation

/// The UserInfo endpoint's answer (OIDC Core §5.3), claims chosen by the token's scopes
/// (OIDC Core §5.4). HTTP lives in the web layer (`UserInfoRoute`). The organization and roles
/// (scopes `organization`, `roles`) are read now, for the organization the token names.
public struct UserInfo: Sendable {
    let validator: BearerTokenValidator
    let users: any UserStore
    let organizationClaims: OrganizationClaimsReader

    public init(validator: BearerTokenValidator, users: any UserStore, organizationClaims: OrganizationClaimsReader) {
        self.validator = validator
        self.users = users
        self.organizationClaims = organizationClaims
    }

    public func claims(accessToken: String) async throws -> UserInfoClaims {
        let validated = try await validator.validated(accessToken)
        let token = validated.claims
        guard token.scopes.contains(Scope.openid) else {
            throw OAuthError(.insufficientScope, .accessTokenLacksOpenID)
        }
        // The validator read the user (and checked the account stands behind the token).
        guard let user = validated.holder else { throw OAuthError(.invalidToken, .accessTokenUserGone) }
        let id = user.id
        var claims = UserInfoClaims(user: user, scopes: Set(token.scopes))
        // A relying party that builds its session from /userinfo alone must learn, as one reading
        // the ID token does, that an administrator is acting (the validator checked the session).
        claims.act = token.act
        switch try await organizationClaims.read(userID: id, organizationID: token.organization, scopes: token.scopes) {
        case .claims(let organization): claims.add(organization)
        case .membershipEnded: throw OAuthError(.invalidToken, .organizationMembershipEnded)
        }
        return claims
    }
}

public struct UserInfoClaims: Encodable, Sendable, Equatable {
    public var sub: String
    public var name: String?
    public var givenName: String?
    public var familyName: String?
    public var picture: String?
    public var updatedAt: Int?
    public var email: String?
    public var emailVerified: Bool?
    public var orgID: String?
    public var orgSlug: String?
    public var orgName: String?
    public var roles: [String]?
    /// In a support session: the administrator acting as the user (RFC 8693 §4.1).
    public var act: ActingParty?

    public init(user: User, scopes: Set<String>) {
        sub = user.id.uuidString.lowercased()
        if scopes.contains(Scope.profile) {
            name = user.name
            givenName = user.givenName
            familyName = user.familyName
            picture = user.picture
            updatedAt = user.updatedAt.numericDate
        }
        if scopes.contains(Scope.email) {
            email = user.email
            emailVerified = user.emailVerified
        }
    }

    /// Scope `organization`: the organization; scope `roles`: the roles (as in the ID token).
    mutating func add(_ organization: OrganizationClaims) {
        orgID = organization.organization?.id.uuidString.lowercased()
        orgSlug = organization.organization?.slug
        orgName = organization.organization?.name
        roles = organization.roles
    }

    enum CodingKeys: String, CodingKey {
        case sub, name, picture, email, roles, act
        case orgID = "org_id"
        case orgSlug = "org_slug"
        case orgName = "org_name"
        case givenName = "given_name"
        case familyName = "family_name"
        case updatedAt = "updated_at"
        case emailVerified = "email_verified"
    }
}
