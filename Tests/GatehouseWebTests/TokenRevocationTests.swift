import Foundation
import GatehouseCore
import GatehouseTesting
import HummingbirdTesting
import Testing

@Suite("/revoke: token revocation (RFC 7009)")
struct TokenRevocationTests {
    @Test("a revoked access token is refused by userinfo and introspected as inactive (RFC 7009 §2.1, RFC 7662 §2.2)")
    func revokeAccessToken() async throws {
        try await withProvider { provider, browser in
            let rp = TestRelyingParty(provider: provider, client: try await provider.makeClient(), browser: browser)
            let tokens = try await rp.tokens(for: try await provider.makeUser())
            let accessToken = try tokens.string("access_token")
            #expect(try await rp.userinfo(accessToken).status == .ok)

            let revoked = try await rp.revoke(accessToken, hint: "access_token")
            #expect(revoked.status == .ok)
            #expect(revoked.body.readableBytes == 0, "RFC 7009 §2.2: the content of the answer is ignored; send none")
            #expect(revoked.headers[.cacheControl] == "no-store")

            let userinfo = try await rp.userinfo(accessToken)
            #expect(userinfo.status == .unauthorized)
            #expect(userinfo.headers[.wwwAuthenticate]?.contains("error=\"invalid_token\"") == true)
            #expect(try await rp.introspect(accessToken)["active"] as? Bool == false)
            #expect(try await rp.revoke(accessToken).status == .ok, "revoking twice is no error")
        }
    }

    @Test("revoking a refresh token revokes its whole family: the next refresh is invalid_grant (RFC 7009 §2.1)")
    func revokeRefreshToken() async throws {
        try await withProvider { provider, browser in
            let rp = TestRelyingParty(provider: provider, client: try await provider.makeClient(), browser: browser)
            let first = try await rp.tokens(for: try await provider.makeUser()).string("refresh_token")
            let rotated = try await rp.token([("grant_type", "refresh_token"), ("refresh_token", first)]).json()
            let current = try rotated.string("refresh_token")

            // The hint is only a hint: a wrong one must not stop the revocation (RFC 7009 §2.1).
            #expect(try await rp.revoke(current, hint: "access_token").status == .ok)
            let refresh = try await rp.token([("grant_type", "refresh_token"), ("refresh_token", current)])
            #expect(refresh.status == .badRequest)
            #expect(try refresh.json()["error"] as? String == "invalid_grant")
            let stored = try #require(try await provider.dependencies.refreshTokens.find(digest: provider.crypto.tokenDigest(current)))
            #expect(try await provider.dependencies.refreshTokens.isFamilyRevoked(stored.record.familyID))
            #expect(try await rp.introspect(current)["active"] as? Bool == false)
        }
    }

    @Test("another client's tokens are left alone, and the answer is still 200 (RFC 7009 §2.1)")
    func anotherClientsToken() async throws {
        try await withProvider { provider, browser in
            let owner = TestRelyingParty(provider: provider, client: try await provider.makeClient(), browser: browser)
            let intruder = TestRelyingParty(provider: provider, client: try await provider.makeClient(), browser: browser)
            let tokens = try await owner.tokens(for: try await provider.makeUser())
            let accessToken = try tokens.string("access_token")
            let refreshToken = try tokens.string("refresh_token")

            #expect(try await intruder.revoke(accessToken).status == .ok)
            #expect(try await intruder.revoke(refreshToken).status == .ok)
            #expect(try await owner.userinfo(accessToken).status == .ok)
            #expect(try await owner.introspect(accessToken)["active"] as? Bool == true)
            let refresh = try await owner.token([("grant_type", "refresh_token"), ("refresh_token", refreshToken)])
            #expect(refresh.status == .ok, "\(refresh.text)")
        }
    }

    @Test("bad or missing client authentication is 401 invalid_client with WWW-Authenticate (RFC 7009 §2.1, RFC 6749 §5.2)")
    func clientAuthentication() async throws {
        try await withProvider { provider, browser in
            let rp = TestRelyingParty(provider: provider, client: try await provider.makeClient(), browser: browser)
            let accessToken = try await rp.tokens(for: try await provider.makeUser()).string("access_token")

            let wrong = try await rp.authenticatedPost("/revoke", [("token", accessToken)], secret: "not-the-secret")
            expectOAuthError(wrong, .unauthorized, "invalid_client", "client authentication failed")
            #expect(wrong.headers[.wwwAuthenticate] == #"Basic realm="gatehouse""#)
            let anonymous = try await browser.post("/revoke", form: [("token", accessToken)])
            expectOAuthError(anonymous, .unauthorized, "invalid_client", "client authentication is required")
            #expect(try await rp.userinfo(accessToken).status == .ok, "nothing was revoked")
        }
    }

    @Test("unknown and malformed tokens get 200; a missing token is invalid_request (RFC 7009 §2.2, §2.2.1)")
    func unknownTokens() async throws {
        try await withProvider { provider, browser in
            let rp = TestRelyingParty(provider: provider, client: try await provider.makeClient(), browser: browser)
            for garbage in ["garbage", "a.b.c", provider.crypto.randomToken()] {
                #expect(try await rp.revoke(garbage).status == .ok, "\(garbage)")
            }
            #expect(try await rp.revoke("x", hint: "something_else").status == .ok, "an unknown hint is ignored")
            let missing = try await rp.authenticatedPost("/revoke", [])
            expectOAuthError(missing, .badRequest, "invalid_request", "token is required")
            expectOAuthError(try await rp.authenticatedPost("/revoke", [("token", "a"), ("token", "b")]), .badRequest, "invalid_request",
                             "the parameter token was included more than once", "RFC 6749 §3.2, as at /token")
        }
    }

    @Test("a public client revokes its own refresh token with its client_id alone (RFC 7009 §2.1); CORS like /token")
    func publicClient() async throws {
        try await withProvider { provider, browser in
            let spa = TestRelyingParty(provider: provider, client: try await provider.makeClient(public: true), browser: browser)
            let refreshToken = try await spa.tokens(for: try await provider.makeUser()).string("refresh_token")
            let revoked = try await browser.post("/revoke", form: [("token", refreshToken), ("client_id", spa.client.id)],
                                                 headers: [.origin: "https://spa.example"])
            #expect(revoked.status == .ok)
            #expect(revoked.headers[.accessControlAllowOrigin] == "*")
            let refresh = try await spa.token([("grant_type", "refresh_token"), ("refresh_token", refreshToken)])
            #expect(try refresh.json()["error"] as? String == "invalid_grant")
            let preflight = try await browser.send("/revoke", method: .options, headers: [.origin: "https://spa.example"], body: nil)
            #expect(preflight.status == .noContent)
            #expect(preflight.headers[.accessControlAllowOrigin] == "*")
        }
    }
}
