import Foundation
import GatehouseCore
import GatehouseRedis
import GatehouseTestingStack
import Testing

/// The code-consuming Lua script and the revocation keys, against the real Redis.
@Suite("RedisAuthorizationStateStore")
struct RedisAuthorizationStateStoreTests {
    let now = Date()

    var store: RedisAuthorizationStateStore {
        get throws { RedisAuthorizationStateStore(pool: try TestServices.redis(), prefix: "test:\(UUID().uuidString):") }
    }

    func code(client: String = "client-a", challenge: String? = "challenge-a") -> AuthorizationCodeRecord {
        AuthorizationCodeRecord(clientID: client, redirectURI: "https://app.example/cb", userID: UUID(), scopes: ["openid"],
                                nonce: nil, codeChallenge: challenge, sessionID: UUID(), authTime: now, amr: ["pwd"], issuedAt: now)
    }

    func marker(_ binding: CodeBinding) -> CodeUseMarker {
        CodeUseMarker(binding: binding, accessTokenID: UUID().uuidString, accessTokenExpiresAt: now.addingTimeInterval(900),
                      grantID: UUID())
    }

    func consume(_ store: RedisAuthorizationStateStore, _ digest: [UInt8], _ presented: CodeBinding) async throws -> CodeConsumption {
        try await store.consumeCode(digest: digest, presented: presented, marker: marker(presented), markerTTL: .seconds(60))
    }

    @Test("a request bound otherwise (client, redirect URI, PKCE) is told the code's binding and consumes nothing (RFC 6749 §4.1.3)")
    func mismatchLeavesTheCode() async throws {
        let store = try store
        let record = code()
        let digest = Array(UUID().uuidString.utf8)
        try await store.saveCode(record, digest: digest, ttl: .seconds(60))
        let others = [
            CodeBinding(clientID: "client-b", redirectURI: record.redirectURI, codeChallenge: "challenge-a"),
            CodeBinding(clientID: "client-a", redirectURI: "https://app.example/other", codeChallenge: "challenge-a"),
            CodeBinding(clientID: "client-a", redirectURI: record.redirectURI, codeChallenge: "challenge-b"),
            CodeBinding(clientID: "client-a", redirectURI: record.redirectURI, codeChallenge: nil),
        ]
        for presented in others {
            #expect(try await consume(store, digest, presented) == .mismatch(record.binding))
        }
        #expect(try await consume(store, digest, record.binding) == .fresh(record), "the rightful request still gets the code")
    }

    @Test("the first matching use consumes the code; a second matching use gets the marker; another client's does not")
    func secondUse() async throws {
        let store = try store
        let record = code(challenge: nil)
        let digest = Array(UUID().uuidString.utf8)
        try await store.saveCode(record, digest: digest, ttl: .seconds(60))
        let first = marker(record.binding)
        #expect(try await store.consumeCode(digest: digest, presented: record.binding, marker: first, markerTTL: .seconds(60))
                == .fresh(record))
        #expect(try await consume(store, digest, record.binding) == .alreadyUsed(first))
        let thief = CodeBinding(clientID: "client-b", redirectURI: record.redirectURI, codeChallenge: nil)
        #expect(try await consume(store, digest, thief) == .mismatch(record.binding), "the marker is not revealed to another client")
        #expect(try await consume(store, digest, record.binding) == .alreadyUsed(first), "and it stays in place")
    }

    @Test("an unknown code is notFound")
    func unknown() async throws {
        #expect(try await consume(try store, Array(UUID().uuidString.utf8), code().binding) == .notFound)
    }

    @Test("a revoked grant refuses its access tokens, checked with the token's own id in one command")
    func grantRevocation() async throws {
        let store = try store
        let grant = UUID(), jti = UUID().uuidString
        #expect(!(try await store.isAccessTokenRevoked(id: jti, grantID: grant)))
        try await store.revokeGrant(id: grant, until: now.addingTimeInterval(60), now: now)
        #expect(try await store.isAccessTokenRevoked(id: jti, grantID: grant))
        #expect(!(try await store.isAccessTokenRevoked(id: jti, grantID: nil)), "a token without the grant is not touched")
        #expect(!(try await store.isAccessTokenRevoked(id: jti, grantID: UUID())))
        try await store.revokeAccessToken(id: jti, until: now.addingTimeInterval(60), now: now)
        #expect(try await store.isAccessTokenRevoked(id: jti, grantID: nil))
    }
}
