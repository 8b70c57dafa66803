import Foundation
import GatehouseCore
import GatehouseTestingStack
import HummingbirdTesting
import Testing

/// Revoking a grant stops its access tokens too, at `/userinfo` and `/introspect` (RFC 7009
/// §2.1): a revoked refresh token, a refresh token reused (RFC 9700 §4.14.2) and a code reused
/// (RFC 6749 §4.1.2) each end every access token issued from the same authorization.
@Suite("Grant revocation: the access tokens of a revoked grant are refused")
struct GrantRevocationTests {
    static let revokedChallenge = #"Bearer realm="gatehouse", error="invalid_token", error_description="the access token was revoked""#

    func isInactive(_ answer: [String: Any]) -> Bool {
        answer.count == 1 && answer["active"] as? Bool == false
    }

    func expectRefused(_ rp: TestRelyingParty, accessToken: String, _ comment: Comment? = nil) async throws {
        let userinfo = try await rp.userinfo(accessToken)
        #expect(userinfo.status == .unauthorized, comment)
        #expect(userinfo.headers[.wwwAuthenticate] == Self.revokedChallenge, comment)
        #expect(userinfo.text == #"{"error":"invalid_token","error_description":"the access token was revoked"}"#, comment)
        #expect(isInactive(try await rp.introspect(accessToken)), comment)
    }

    func refresh(_ rp: TestRelyingParty, _ token: String) async throws -> [String: Any] {
        let response = try await rp.token([("grant_type", "refresh_token"), ("refresh_token", token)])
        #expect(response.status == .ok, "\(response.text)")
        return try response.json()
    }

    @Test("/revoke of a refresh token refuses the access tokens of its grant, first and refreshed (RFC 7009 §2.1)")
    func revokeRefreshToken() async throws {
        try await withProvider { provider, browser in
            let rp = TestRelyingParty(provider: provider, client: try await provider.makeClient(), browser: browser)
            let tokens = try await rp.tokens(for: try await provider.makeUser())
            let refreshed = try await refresh(rp, try tokens.string("refresh_token"))
            let first = try tokens.string("access_token"), second = try refreshed.string("access_token")
            #expect(try await rp.userinfo(first).status == .ok)

            let revoked = try await rp.revoke(try refreshed.string("refresh_token"))
            #expect(revoked.status == .ok)
            try await expectRefused(rp, accessToken: first, "the code exchange's access token")
            try await expectRefused(rp, accessToken: second, "the refreshed access token")
        }
    }

    @Test("another grant of the same user and client keeps working")
    func otherGrantUntouched() async throws {
        try await withProvider { provider, browser in
            let rp = TestRelyingParty(provider: provider, client: try await provider.makeClient(), browser: browser)
            let user = try await provider.makeUser()
            let revokedGrant = try await rp.tokens(for: user)
            let otherGrant = try await rp.tokens(for: user)
            _ = try await rp.revoke(try revokedGrant.string("refresh_token"))
            try await expectRefused(rp, accessToken: try revokedGrant.string("access_token"))
            #expect(try await rp.userinfo(try otherGrant.string("access_token")).status == .ok)
            #expect(try await rp.introspect(try otherGrant.string("access_token"))["active"] as? Bool == true)
        }
    }

    @Test("sign out everywhere, a password change and disconnecting an app end the access tokens of the grants they revoke")
    func accountPageEndsGrants() async throws {
        try await withProvider { provider, browser in
            let client = try await provider.makeClient(), other = try await provider.makeClient()
            let rp = TestRelyingParty(provider: provider, client: client, browser: browser)
            let otherRP = TestRelyingParty(provider: provider, client: other, browser: browser)
            let user = try await provider.makeUser()

            // Disconnecting one app ends its grant only.
            let disconnected = try await rp.tokens(for: user), kept = try await otherRP.tokens(for: user)
            #expect(try await browser.accountAction("/account/apps/revoke", [("client", client.id)]).location == "/account?done=app")
            try await expectRefused(rp, accessToken: try disconnected.string("access_token"), "the disconnected app's access token")
            #expect(try await otherRP.userinfo(try kept.string("access_token")).status == .ok, "another app stays connected")

            // Sign out everywhere ends every grant.
            let beforeSignOut = try await otherRP.tokens(for: user)
            #expect(try await browser.accountAction("/account/sessions/revoke-all", []).status == .ok)
            try await expectRefused(otherRP, accessToken: try beforeSignOut.string("access_token"), "after sign out everywhere")

            // A password change on the account page ends every grant (this browser stays signed in).
            let beforeChange = try await otherRP.tokens(for: user)
            let newPassword = "a brand new passphrase " + provider.crypto.randomToken(byteCount: 6)
            let changed = try await browser.accountAction("/account/password", [("current_password", user.password),
                                                                                ("password", newPassword), ("confirm", newPassword)])
            #expect(changed.location == "/account?done=password", "\(changed.status): \(changed.text.prefix(300))")
            try await expectRefused(otherRP, accessToken: try beforeChange.string("access_token"), "after a password change")
        }
    }

    @Test("a reused refresh token revokes the access tokens of its family (RFC 9700 §4.14.2)")
    func refreshReuse() async throws {
        try await withProvider { provider, browser in
            let rp = TestRelyingParty(provider: provider, client: try await provider.makeClient(), browser: browser)
            let tokens = try await rp.tokens(for: try await provider.makeUser())
            let stolen = try tokens.string("refresh_token")
            let rotated = try await refresh(rp, stolen)
            let reuse = try await rp.token([("grant_type", "refresh_token"), ("refresh_token", stolen)])
            #expect(reuse.text == #"{"error":"invalid_grant","error_description":"the refresh token was already used; its family is revoked"}"#)
            try await expectRefused(rp, accessToken: try tokens.string("access_token"))
            try await expectRefused(rp, accessToken: try rotated.string("access_token"), "the access token of the rotation that was stolen")
        }
    }

    @Test("a reused code revokes the access tokens refreshed since its first use (RFC 6749 §4.1.2)")
    func codeReuseReachesRefreshedTokens() async throws {
        try await withProvider { provider, browser in
            let rp = TestRelyingParty(provider: provider, client: try await provider.makeClient(), browser: browser)
            let request = TestRelyingParty.Request()
            let code = try #require(try await rp.signIn(try await provider.makeUser(), request)["code"])
            let tokens = try await rp.redeem(code: code, verifier: request.verifier).json()
            let refreshed = try await refresh(rp, try tokens.string("refresh_token"))
            #expect(try await rp.redeem(code: code, verifier: request.verifier).status == .badRequest)
            try await expectRefused(rp, accessToken: try refreshed.string("access_token"))
            let next = try await rp.token([("grant_type", "refresh_token"), ("refresh_token", try refreshed.string("refresh_token"))])
            #expect(next.text == #"{"error":"invalid_grant","error_description":"the refresh token is invalid, expired or revoked"}"#)
        }
    }

    @Test("/userinfo checks the token and its grant in one Redis round trip (it is benchmarked)")
    func oneRoundTrip() async throws {
        try await withProvider { provider, browser in
            let client = try await provider.makeClient()
            let accessToken = try await TestRelyingParty(provider: provider, client: client, browser: browser)
                .tokens(for: try await provider.makeUser()).string("access_token")
            let counting = CountingStateStore(base: provider.dependencies.states)
            var dependencies = provider.dependencies
            dependencies.states = counting
            try await provider.application(dependencies).test(.router) { router in
                let rp = TestRelyingParty(provider: provider, client: client, browser: TestBrowser(router))
                let answer = try await rp.userinfo(accessToken)
                #expect(answer.status == .ok)
                #expect(counting.calls == 1)
            }
        }
    }

    @Test("access tokens name their grant; client_credentials tokens name none and are not affected")
    func grantClaim() async throws {
        try await withProvider { provider, browser in
            let rp = TestRelyingParty(provider: provider, client: try await provider.makeClient(), browser: browser)
            let tokens = try await rp.tokens(for: try await provider.makeUser())
            let (_, claims) = try await verifyWithJWKS(try tokens.string("access_token"), browser: browser)
            let grant = try #require(claims["grant_id"] as? String)
            #expect(UUID(uuidString: grant)?.uuidString.lowercased() == grant)
            let refreshed = try await refresh(rp, try tokens.string("refresh_token"))
            let (_, refreshedClaims) = try await verifyWithJWKS(try refreshed.string("access_token"), browser: browser)
            #expect(refreshedClaims["grant_id"] as? String == grant, "a refresh stays in the grant")

            let service = try await provider.makeClient(grantTypes: [.clientCredentials], scopes: ["reports:read"])
            let machine = TestRelyingParty(provider: provider, client: service, browser: browser)
            let issued = try await machine.token([("grant_type", "client_credentials"), ("scope", "reports:read")]).json()
            let (_, machineClaims) = try await verifyWithJWKS(try issued.string("access_token"), browser: browser)
            #expect(machineClaims["grant_id"] == nil)
            #expect(try await machine.introspect(try issued.string("access_token"))["active"] as? Bool == true)
        }
    }
}
