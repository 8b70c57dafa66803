import Foundation
import GatehouseCore
import GatehouseTesting
import Testing

/// A deployment in memory for the grant tables: a confidential client `web` (code and refresh
/// grants), its user, the token issuer over the test signer, and the three grants.
struct GrantTestWorld {
    static let redirectURI = "https://app.example/cb"
    /// RFC 7636 Appendix B's verifier and its S256 challenge.
    static let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    static let challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"

    let stores = InMemoryStores()
    let crypto = TestCrypto()
    let settings = ProviderSettings(issuer: "https://id.gatehouse.test")
    let client: Client
    let otherClient: Client
    let user: User

    init(clientGrants: [GrantType] = [.authorizationCode, .refreshToken]) async throws {
        let now = stores.clock.now
        client = Client(id: "web", secretDigest: [1], name: "Web", redirectURIs: [Self.redirectURI], grantTypes: clientGrants,
                        allowedScopes: [], createdAt: now)
        otherClient = Client(id: "other", secretDigest: [2], name: "Other", redirectURIs: [Self.redirectURI],
                             grantTypes: [.authorizationCode, .refreshToken], allowedScopes: [], createdAt: now)
        user = User(id: UUID(), email: "ada@example.test", emailVerified: true, passwordHash: nil, createdAt: now, updatedAt: now)
        try await stores.clients.create(client)
        try await stores.clients.create(otherClient)
        try await stores.users.create(user)
    }

    var issuer: TokenIssuer { TokenIssuer(settings: settings, signer: TestTokenSigner(), crypto: crypto) }

    var authorizationCode: AuthorizationCodeGrant {
        AuthorizationCodeGrant(states: stores.states, refreshTokens: stores.refreshTokens, issuer: issuer,
                               organizationClaims: OrganizationClaimsReader(memberships: stores.memberships), crypto: crypto,
                               settings: settings, audit: stores.audit, clock: stores.clock)
    }

    var refreshToken: RefreshTokenGrant {
        RefreshTokenGrant(refreshTokens: stores.refreshTokens, states: stores.states, issuer: issuer,
                          organizationClaims: OrganizationClaimsReader(memberships: stores.memberships), crypto: crypto,
                          settings: settings, audit: stores.audit, clock: stores.clock)
    }

    var clientCredentials: ClientCredentialsGrant {
        ClientCredentialsGrant(issuer: issuer, settings: settings, clock: stores.clock)
    }

    /// Stores a code as `AuthorizationFlow` would, issued `age` seconds ago (kept by the store
    /// for longer, so the grant's own expiry check is what is tested), and returns it.
    func storeCode(scopes: [String] = ["openid", "offline_access"], challenge: String? = GrantTestWorld.challenge,
                   age: TimeInterval = 0, organizationID: UUID? = nil) async throws -> String {
        let code = crypto.randomToken(), now = stores.clock.now
        let record = AuthorizationCodeRecord(clientID: client.id, redirectURI: Self.redirectURI, userID: user.id, scopes: scopes,
                                             nonce: "nonce-1", codeChallenge: challenge, sessionID: UUID(),
                                             authTime: now.addingTimeInterval(-age - 30), amr: ["pwd"], issuedAt: now.addingTimeInterval(-age),
                                             organizationID: organizationID)
        try await stores.states.saveCode(record, digest: crypto.tokenDigest(code), ttl: .seconds(3600))
        return code
    }

    /// The claims of a token the test signer made.
    static func claims(_ token: String?) throws -> [String: Any] {
        let token = try #require(token)
        return try #require(TestTokenSigner.claims(of: token))
    }

    /// An error as the wire shows it: `error` and `error_description`.
    struct Wire: Equatable, Sendable, Error {
        let code: String
        let description: String
        init(_ code: String, _ description: String) {
            self.code = code
            self.description = description
        }
    }

    /// What a grant threw, as the wire shows it.
    static func wire(_ body: () async throws -> TokenResponse) async -> Wire? {
        do {
            _ = try await body()
            return nil
        } catch let error as OAuthError {
            return Wire(error.code.rawValue, error.description)
        } catch {
            Issue.record("not an OAuthError: \(error)")
            return nil
        }
    }
}
