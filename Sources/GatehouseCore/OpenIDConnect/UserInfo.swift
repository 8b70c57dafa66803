import Foundation

/// The UserInfo endpoint's answer (OIDC Core §5.3), claims chosen by the token's scopes
/// (OIDC Core §5.4). HTTP lives in the web layer (`UserInfoRoute`).
public struct UserInfo: Sendable {
    let validator: BearerTokenValidator
    let users: any UserStore

    public init(validator: BearerTokenValidator, users: any UserStore) {
        self.validator = validator
        self.users = users
    }

    public func claims(accessToken: String) async throws -> UserInfoClaims {
        let token = try await validator.validate(accessToken)
        guard token.scopes.contains(Scope.openid) else {
            throw OAuthError(.insufficientScope, .accessTokenLacksOpenID)
        }
        guard let id = UUID(uuidString: token.sub), let user = try await users.find(id: id) else {
            throw OAuthError(.invalidToken, .accessTokenUserGone)
        }
        return UserInfoClaims(user: user, scopes: Set(token.scopes))
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

    enum CodingKeys: String, CodingKey {
        case sub, name, picture, email
        case givenName = "given_name"
        case familyName = "family_name"
        case updatedAt = "updated_at"
        case emailVerified = "email_verified"
    }
}
