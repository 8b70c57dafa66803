import Foundation
import GatehouseCore
import GatehouseTesting
import Testing

/// `ClientCredentialsGrant` on the twins (RFC 6749 §4.4): one row per rule, with the exact
/// `error` and `error_description` or the scope granted.
@Suite("ClientCredentialsGrant: who may use it and for which scopes")
struct ClientCredentialsGrantTests {
    struct Row: Sendable, CustomTestStringConvertible {
        let rule: String
        var isPublic = false
        var allowedScopes = ["reports:read", "reports:write"]
        var scope: String?
        /// The scope granted, or the refusal's `error` and `error_description`.
        let expect: Result<String, GrantTestWorld.Wire>

        var testDescription: String { rule }
    }

    static let rows: [Row] = [
        Row(rule: "a public client may not act for itself (RFC 6749 §4.4)", isPublic: true, scope: "reports:read",
            expect: .failure(.init("unauthorized_client", "public clients may not use client_credentials"))),
        Row(rule: "a scope with characters RFC 6749 §3.3 forbids", scope: "reports:read \"x\"",
            expect: .failure(.init("invalid_scope", "scope contains characters that are not allowed"))),
        Row(rule: "a scope the client is not registered for", scope: "reports:read admin",
            expect: .failure(.init("invalid_scope", "scope names a scope that is not available to this client"))),
        Row(rule: "user-facing scopes mean nothing without a user, even when registered", allowedScopes: ["openid", "reports:read"],
            scope: "openid", expect: .failure(.init("invalid_scope", "scope names a scope that is not available to this client"))),
        Row(rule: "a client with only the standard scopes gets none of them", allowedScopes: [], scope: "email",
            expect: .failure(.init("invalid_scope", "scope names a scope that is not available to this client"))),
        Row(rule: "registered scopes are granted as asked, once each", scope: "reports:write reports:read reports:write",
            expect: .success("reports:write reports:read")),
        Row(rule: "no scope asked: a token without scope", scope: nil, expect: .success("")),
    ]

    @Test("a client_credentials request", arguments: rows)
    func request(_ row: Row) async throws {
        let world = try await GrantTestWorld()
        let client = Client(id: "service", secretDigest: row.isPublic ? nil : [7], name: "Service", redirectURIs: [],
                            grantTypes: [.clientCredentials], allowedScopes: row.allowedScopes, createdAt: world.stores.clock.now)
        let outcome: Result<String, GrantTestWorld.Wire>
        do {
            let response = try await world.clientCredentials.exchange(ClientCredentialsGrant.Request(scope: row.scope), client: client)
            #expect(response.refreshToken == nil, "no refresh token (RFC 6749 §4.4.3)")
            #expect(response.idToken == nil)
            let access = try GrantTestWorld.claims(response.accessToken)
            #expect(access["sub"] as? String == "service", "the client acts for itself")
            #expect(access["grant_id"] == nil)
            outcome = .success(response.scope ?? "")
        } catch let error as OAuthError {
            outcome = .failure(GrantTestWorld.Wire(error.code.rawValue, error.description))
        }
        #expect(outcome == row.expect)
    }
}
