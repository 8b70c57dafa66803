import Foundation
import GatehouseCore
import GatehouseCrypto
import GatehouseTestingStack
import HummingbirdTesting
import Testing

/// Runs `body` against a fresh provider (real PostgreSQL and Redis) through Hummingbird's
/// router test client.
func withProvider(hasher: (any PasswordHasher)? = nil, configure: @escaping (inout ProviderSettings) -> Void = { _ in },
                  accounts: @escaping (inout AccountSettings) -> Void = { _ in },
                  policy: PasswordPolicySettings = PasswordPolicySettings(), mailEnabled: Bool = true,
                  _ body: @escaping @Sendable (TestProvider, TestBrowser) async throws -> Void) async throws {
    let provider = try await TestProvider(hasher: hasher, configure: configure, accounts: accounts, policy: policy, mailEnabled: mailEnabled)
    try await provider.application().test(.router) { client in
        try await body(provider, TestBrowser(client))
    }
}

/// Checks a JWT the way a resource server does, with nothing but the published JWKS: the
/// signature by the `kid` it names, and returns header and claims.
func verifyWithJWKS(_ token: String, browser: TestBrowser) async throws -> (header: [String: Any], claims: [String: Any]) {
    let parts = token.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
    try #require(parts.count == 3)
    let header = try jsonObject(parts[0])
    let claims = try jsonObject(parts[1])
    let jwks = try await browser.get("/jwks.json").json()
    let keys = try #require(jwks["keys"] as? [[String: Any]])
    let jwk = try #require(keys.first { $0["kid"] as? String == header["kid"] as? String }, "kid not in the JWKS")
    let key = try RSAKey(jwkN: try #require(jwk["n"] as? String), e: try #require(jwk["e"] as? String))
    let signature = try #require(Base64URL.decode(parts[2]))
    #expect(key.verifyRS256(signature, for: Array("\(parts[0]).\(parts[1])".utf8)), "signature does not verify with the JWKS key")
    #expect(header["alg"] as? String == "RS256")
    return (header, claims)
}

/// A base64url JSON object segment of a JWT.
func jsonObject(_ segment: String) throws -> [String: Any] {
    let bytes = try #require(Base64URL.decode(segment))
    return try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
}
