import Foundation
import GatehouseCore
import GatehouseTesting
import Testing

/// `AuthorizationCodeGrant` on the twins (RFC 6749 §4.1.3, RFC 7636 §4.6, OIDC Core §3.1.3):
/// one row per refusal with its exact `error` and `error_description`, and whether the code
/// survives it (a request that cannot redeem a code must not burn it).
@Suite("AuthorizationCodeGrant: every refusal, and what a code issues")
struct AuthorizationCodeGrantTests {
    enum Code: Sendable { case stored, unknown }

    struct Row: Sendable, CustomTestStringConvertible {
        let rule: String
        var code: Code = .stored
        /// The authorization request's PKCE challenge (the code's).
        var challenge: String? = GrantTestWorld.challenge
        var verifier: String? = GrantTestWorld.verifier
        var redirectURI = GrantTestWorld.redirectURI
        var byOtherClient = false
        /// How long ago the code was issued (its lifetime is 60 s).
        var age: TimeInterval = 0
        let error: OAuthError.Code
        let description: String
        /// Whether the rightful request can still redeem the code afterwards.
        var codeSurvives: Bool

        var testDescription: String { rule }
    }

    static let rows: [Row] = [
        Row(rule: "an unknown code", code: .unknown, error: .invalidGrant, description: "the code is invalid or expired", codeSurvives: true),
        Row(rule: "a code issued to another client (RFC 6749 §4.1.3)", byOtherClient: true, error: .invalidGrant,
            description: "the code was issued to another client", codeSurvives: true),
        Row(rule: "another redirect_uri than the authorization request's (RFC 6749 §4.1.3)", redirectURI: "https://app.example/other",
            error: .invalidGrant, description: "redirect_uri differs from the one in the authorization request", codeSurvives: true),
        Row(rule: "a code with a challenge and no code_verifier (RFC 7636 §4.6)", verifier: nil, error: .invalidGrant,
            description: "code_verifier is required", codeSurvives: true),
        Row(rule: "a code_verifier that does not match the challenge", verifier: String(repeating: "a", count: 43), error: .invalidGrant,
            description: "code_verifier does not match the code_challenge", codeSurvives: true),
        Row(rule: "a malformed code_verifier", verifier: "short", error: .invalidGrant,
            description: "code_verifier does not match the code_challenge", codeSurvives: true),
        Row(rule: "a code_verifier for a code issued without a challenge: no PKCE downgrade (RFC 9700 §2.1.1)", challenge: nil,
            error: .invalidGrant, description: "code_verifier was sent but the authorization request had no code_challenge",
            codeSurvives: true),
        Row(rule: "a code older than its lifetime, even while the store still holds it", age: 61, error: .invalidGrant,
            description: "the code is invalid or expired", codeSurvives: false),
    ]

    @Test("a refused exchange", arguments: rows)
    func refused(_ row: Row) async throws {
        let world = try await GrantTestWorld()
        let code = try await world.storeCode(challenge: row.challenge, age: row.age)
        let presented = row.code == .stored ? code : world.crypto.randomToken()
        let request = AuthorizationCodeGrant.Request(code: presented, redirectURI: row.redirectURI, codeVerifier: row.verifier)
        let refusal = await GrantTestWorld.wire {
            try await world.authorizationCode.exchange(request, client: row.byOtherClient ? world.otherClient : world.client)
        }
        #expect(refusal?.code == row.error.rawValue)
        #expect(refusal?.description == row.description)
        let rightful = AuthorizationCodeGrant.Request(code: code, redirectURI: GrantTestWorld.redirectURI,
                                                      codeVerifier: row.challenge == nil ? nil : GrantTestWorld.verifier)
        let afterwards = await GrantTestWorld.wire { try await world.authorizationCode.exchange(rightful, client: world.client) }
        if row.codeSurvives {
            #expect(afterwards == nil, "the rightful request still redeems the code")
        } else {
            #expect(afterwards?.code == "invalid_grant")
        }
    }

    @Test("a redeemed code issues an access token of the grant, an ID token with nonce and at_hash, and a refresh token for offline_access")
    func redeemed() async throws {
        let world = try await GrantTestWorld()
        let code = try await world.storeCode()
        let response = try await world.authorizationCode.exchange(
            AuthorizationCodeGrant.Request(code: code, redirectURI: GrantTestWorld.redirectURI,
                         codeVerifier: GrantTestWorld.verifier), client: world.client)
        #expect(response.tokenType == "Bearer")
        #expect(response.expiresIn == 900)
        #expect(response.scope == "openid offline_access")
        let access = try GrantTestWorld.claims(response.accessToken)
        let id = try GrantTestWorld.claims(response.idToken)
        #expect(access["sub"] as? String == world.user.id.uuidString.lowercased())
        #expect(access["client_id"] as? String == "web")
        #expect(id["nonce"] as? String == "nonce-1")
        #expect(id["at_hash"] as? String == world.issuer.atHash(response.accessToken))
        let refresh = try #require(response.refreshToken)
        let stored = try #require(try await world.stores.refreshTokens.find(digest: world.crypto.tokenDigest(refresh)))
        #expect(stored.record.familyID.uuidString.lowercased() == access["grant_id"] as? String, "the family is the grant")
    }

    @Test("a refresh token only with offline_access, and only for a client registered for the refresh grant (OIDC Core §11)",
          arguments: [(["openid"], [GrantType.authorizationCode, .refreshToken], false),
                      (["openid", "offline_access"], [GrantType.authorizationCode], false),
                      (["openid", "offline_access"], [GrantType.authorizationCode, .refreshToken], true)])
    func offlineAccess(scopes: [String], grants: [GrantType], expected: Bool) async throws {
        let world = try await GrantTestWorld(clientGrants: grants)
        let code = try await world.storeCode(scopes: scopes)
        let response = try await world.authorizationCode.exchange(
            AuthorizationCodeGrant.Request(code: code, redirectURI: GrantTestWorld.redirectURI,
                         codeVerifier: GrantTestWorld.verifier), client: world.client)
        #expect((response.refreshToken != nil) == expected)
    }

    @Test("without openid there is no ID token")
    func noOpenID() async throws {
        let world = try await GrantTestWorld()
        let code = try await world.storeCode(scopes: ["email"])
        let response = try await world.authorizationCode.exchange(
            AuthorizationCodeGrant.Request(code: code, redirectURI: GrantTestWorld.redirectURI,
                         codeVerifier: GrantTestWorld.verifier), client: world.client)
        #expect(response.idToken == nil)
        #expect(response.scope == "email")
    }

    @Test("a second use is refused and revokes what the first use issued: its access token, its grant, its refresh tokens (RFC 6749 §4.1.2)")
    func reused() async throws {
        let world = try await GrantTestWorld()
        let code = try await world.storeCode()
        let request = AuthorizationCodeGrant.Request(code: code, redirectURI: GrantTestWorld.redirectURI,
                                   codeVerifier: GrantTestWorld.verifier)
        let first = try await world.authorizationCode.exchange(request, client: world.client)
        let refusal = await GrantTestWorld.wire { try await world.authorizationCode.exchange(request, client: world.client) }
        #expect(refusal?.code == "invalid_grant")
        #expect(refusal?.description == "the code was already used; the tokens it issued are revoked")
        let access = try GrantTestWorld.claims(first.accessToken)
        let jti = try #require(access["jti"] as? String), grant = try #require((access["grant_id"] as? String).flatMap(UUID.init))
        #expect(try await world.stores.states.isAccessTokenRevoked(id: jti, grantID: nil))
        #expect(try await world.stores.states.isAccessTokenRevoked(id: "a later one", grantID: grant))
        #expect(try await world.stores.refreshTokens.isFamilyRevoked(grant))
        let events = await world.stores.audit.events(ofType: .tokenReuseDetected)
        #expect(events.map(\.details) == [["token_type": "authorization_code", "revoked_jti": jti,
                                           "revoked_grant_id": grant.uuidString.lowercased()]])
    }

    @Test("a second use by another client is told only invalid_grant and revokes nothing")
    func reusedByAnotherClient() async throws {
        let world = try await GrantTestWorld()
        let code = try await world.storeCode()
        let request = AuthorizationCodeGrant.Request(code: code, redirectURI: GrantTestWorld.redirectURI,
                                   codeVerifier: GrantTestWorld.verifier)
        let first = try await world.authorizationCode.exchange(request, client: world.client)
        let refusal = await GrantTestWorld.wire { try await world.authorizationCode.exchange(request, client: world.otherClient) }
        #expect(refusal?.code == "invalid_grant")
        #expect(refusal?.description == "the code was issued to another client")
        let jti = try #require(try GrantTestWorld.claims(first.accessToken)["jti"] as? String)
        #expect(try await world.stores.states.isAccessTokenRevoked(id: jti, grantID: nil) == false)
    }
}
