import Foundation

/// ID token claims (OIDC Core §2). Times are seconds since the epoch.
public struct IDTokenClaims: Codable, Sendable, Equatable {
    public var iss: String
    public var sub: String
    public var aud: String
    public var exp: Int
    public var iat: Int
    public var authTime: Int?
    public var nonce: String?
    public var atHash: String?
    public var sid: String?
    public var amr: [String]?
    /// `pwd` or `mfa` (`AuthenticationMethods.contextClass`), from the session's `amr`.
    public var acr: String?
    public var azp: String?
    /// Scope `organization` (issue 10): the active organization.
    public var orgID: String?
    public var orgSlug: String?
    public var orgName: String?
    /// Scope `roles` (issue 10): the platform role and the active organization's roles.
    public var roles: [String]?
    /// Issued in a support session: the administrator acting as `sub` (RFC 8693 §4.1).
    public var act: ActingParty?

    enum CodingKeys: String, CodingKey {
        case iss, sub, aud, exp, iat, nonce, sid, amr, acr, azp, roles, act
        case authTime = "auth_time"
        case atHash = "at_hash"
        case orgID = "org_id"
        case orgSlug = "org_slug"
        case orgName = "org_name"
    }
}

/// JWT access token claims (RFC 9068 §2.2).
public struct AccessTokenClaims: Codable, Sendable, Equatable {
    public var iss: String
    public var sub: String
    /// The client the token was issued to: the first audience.
    public var aud: String
    /// The resource servers beside the client that the token is meant for: `gatehouse:manage`
    /// when that scope was granted (Gatehouse's own API checks it). With any, `aud` is written
    /// as an array (RFC 7519 §4.1.3), the client first.
    public var resourceAudiences: [String]? = nil
    public var exp: Int
    public var iat: Int
    public var jti: String
    public var clientID: String
    /// Absent when no scope was granted (RFC 9068 §2.2.3).
    public var scope: String?
    public var authTime: Int?
    public var sid: String?
    /// The grant the token was issued from (an authorization code's exchange and the refresh
    /// tokens that follow it; the refresh-token family id): revoking the grant refuses every
    /// access token that names it (RFC 7009 §2.1). Absent for `client_credentials`.
    public var grantID: String?
    /// The organization the grant acts for, with scope `organization` or `roles` (issue 10).
    public var orgID: String?
    /// Scope `roles` (issue 10): the roles there, and the permissions of its custom roles.
    public var roles: [String]?
    public var permissions: [String]?
    /// Issued in a support session: the administrator acting as `sub` (RFC 8693 §4.1).
    public var act: ActingParty?

    enum CodingKeys: String, CodingKey {
        case iss, sub, aud, exp, iat, jti, scope, sid, roles, permissions, act
        case clientID = "client_id"
        case authTime = "auth_time"
        case grantID = "grant_id"
        case orgID = "org_id"
    }

    public init(iss: String, sub: String, aud: String, exp: Int, iat: Int, jti: String, clientID: String, scope: String?,
                authTime: Int?, sid: String?, grantID: String? = nil, orgID: String? = nil, roles: [String]? = nil,
                permissions: [String]? = nil) {
        self.iss = iss
        self.sub = sub
        self.aud = aud
        self.exp = exp
        self.iat = iat
        self.jti = jti
        self.clientID = clientID
        self.scope = scope
        self.authTime = authTime
        self.sid = sid
        self.grantID = grantID
        self.orgID = orgID
        self.roles = roles
        self.permissions = permissions
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if let single = try? container.decode(String.self, forKey: .aud) {
            aud = single
        } else {
            let all = try container.decode([String].self, forKey: .aud)
            guard let first = all.first else {
                throw DecodingError.dataCorruptedError(forKey: .aud, in: container, debugDescription: "an empty aud")
            }
            aud = first
            resourceAudiences = all.count > 1 ? Array(all.dropFirst()) : nil
        }
        iss = try container.decode(String.self, forKey: .iss)
        sub = try container.decode(String.self, forKey: .sub)
        exp = try container.decode(Int.self, forKey: .exp)
        iat = try container.decode(Int.self, forKey: .iat)
        jti = try container.decode(String.self, forKey: .jti)
        clientID = try container.decode(String.self, forKey: .clientID)
        scope = try container.decodeIfPresent(String.self, forKey: .scope)
        authTime = try container.decodeIfPresent(Int.self, forKey: .authTime)
        sid = try container.decodeIfPresent(String.self, forKey: .sid)
        grantID = try container.decodeIfPresent(String.self, forKey: .grantID)
        orgID = try container.decodeIfPresent(String.self, forKey: .orgID)
        roles = try container.decodeIfPresent([String].self, forKey: .roles)
        permissions = try container.decodeIfPresent([String].self, forKey: .permissions)
        act = try container.decodeIfPresent(ActingParty.self, forKey: .act)
    }

    /// Every audience: the client, then the resource servers.
    public var audiences: [String] { [aud] + (resourceAudiences ?? []) }

    public var scopes: [String] { Scope.parse(scope ?? "") ?? [] }

    /// `grant_id` as a UUID; nil when absent or not one of ours.
    public var grant: UUID? { grantID.flatMap(UUID.init(uuidString:)) }

    /// `org_id` as a UUID; nil when absent.
    public var organization: UUID? { orgID.flatMap(UUID.init(uuidString:)) }
}

extension IDTokenClaims {
    /// The claims as JSON, keys sorted: the JWS payload.
    public var jsonBytes: [UInt8] {
        var json = JSONObjectWriter()
        json.write("acr", acr)
        json.write("act", act?.json)
        json.write("amr", amr)
        json.write("at_hash", atHash)
        json.write("aud", aud)
        json.write("auth_time", authTime)
        json.write("azp", azp)
        json.write("exp", exp)
        json.write("iat", iat)
        json.write("iss", iss)
        json.write("nonce", nonce)
        json.write("org_id", orgID)
        json.write("org_name", orgName)
        json.write("org_slug", orgSlug)
        json.write("roles", roles)
        json.write("sid", sid)
        json.write("sub", sub)
        return json.finish()
    }
}

extension AccessTokenClaims {
    /// The claims as JSON, keys sorted: the JWS payload.
    public var jsonBytes: [UInt8] {
        var json = JSONObjectWriter()
        json.write("act", act?.json)
        if resourceAudiences?.isEmpty == false { json.write("aud", audiences) } else { json.write("aud", aud) }
        json.write("auth_time", authTime)
        json.write("client_id", clientID)
        json.write("exp", exp)
        json.write("grant_id", grantID)
        json.write("iat", iat)
        json.write("iss", iss)
        json.write("jti", jti)
        json.write("org_id", orgID)
        json.write("permissions", permissions)
        json.write("roles", roles)
        json.write("scope", scope)
        json.write("sid", sid)
        json.write("sub", sub)
        return json.finish()
    }
}

/// The `act` claim (RFC 8693 §4.1): who acts for the token's subject — in Gatehouse, the
/// administrator of a support session (`SupportSignIn`), by their subject.
public struct ActingParty: Codable, Sendable, Equatable {
    public var sub: String

    public init(sub: String) { self.sub = sub }

    public init(impersonatorID: UUID) { sub = impersonatorID.uuidString.lowercased() }

    var json: JSONObjectWriter {
        var json = JSONObjectWriter()
        json.write("sub", sub)
        return json
    }
}

/// The JWS `typ` values that keep ID tokens and access tokens apart (RFC 9068 §2.1).
public enum TokenType {
    public static let accessToken = "at+jwt"
    public static let idToken = "JWT"
}

extension Date {
    /// NumericDate (RFC 7519 §2): whole seconds since the epoch.
    public var numericDate: Int { Int(timeIntervalSince1970.rounded(.down)) }
}

extension AccessTokenClaims {
    /// The user the token speaks for. A client's own token (client credentials) has the client as
    /// its subject and speaks for no user: resources that act for a user refuse it.
    public func userID() throws(OAuthError) -> UUID {
        guard let id = UUID(uuidString: sub) else { throw OAuthError(.invalidToken, .accessTokenOfNoUser) }
        return id
    }
}
