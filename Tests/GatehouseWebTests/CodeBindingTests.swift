import Foundation
import GatehouseCore
import GatehouseTestingStack
import HummingbirdTesting
import Testing

/// A code is consumed only by a request bound like it (client, redirect URI, PKCE), checked
/// atomically with the consumption; a second use revokes the whole grant of the first, even
/// while the first is still issuing (RFC 6749 §4.1.2, §4.1.3; RFC 7636 §4.6).
@Suite("Authorization codes: bound to their client before they are consumed")
struct CodeBindingTests {
    static let otherClient = #"{"error":"invalid_grant","error_description":"the code was issued to another client"}"#
    static let reused = #"{"error":"invalid_grant","error_description":"the code was already used; the tokens it issued are revoked"}"#
    static let deadRefresh = #"{"error":"invalid_grant","error_description":"the refresh token is invalid, expired or revoked"}"#
    static let revokedChallenge = #"Bearer realm="gatehouse", error="invalid_token", error_description="the access token was revoked""#

    /// A signed-in user's fresh code for `client`.
    func code(_ provider: TestProvider, _ browser: TestBrowser, client: TestProvider.RegisteredClient)
        async throws -> (TestRelyingParty, code: String, verifier: String) {
        let rp = TestRelyingParty(provider: provider, client: client, browser: browser)
        let request = TestRelyingParty.Request()
        return (rp, try #require(try await rp.signIn(try await provider.makeUser(), request)["code"]), request.verifier)
    }

    @Test("another client presenting a code gets invalid_grant and burns nothing: the code still redeems (RFC 6749 §4.1.3)")
    func otherClientBurnsNothing() async throws {
        try await withProvider { provider, browser in
            let (rp, code, verifier) = try await code(provider, browser, client: try await provider.makeClient(public: true))
            let thief = TestRelyingParty(provider: provider, client: try await provider.makeClient(public: true), browser: browser)
            let refused = try await thief.redeem(code: code, verifier: verifier)
            #expect(refused.status == .badRequest)
            #expect(refused.text == Self.otherClient)
            let rightful = try await rp.redeem(code: code, verifier: verifier)
            #expect(rightful.status == .ok, "the code was not consumed: \(rightful.text)")
        }
    }

    @Test("a wrong code_verifier or redirect_uri is refused without consuming the code (RFC 7636 §4.6)")
    func wrongProofBurnsNothing() async throws {
        try await withProvider { provider, browser in
            let client = try await provider.makeClient(public: true, redirectURIs: ["https://app.example/a", "https://app.example/b"])
            let (rp, code, verifier) = try await code(provider, browser, client: client)
            let wrongVerifier = try await rp.redeem(code: code, verifier: String(repeating: "x", count: 43))
            #expect(wrongVerifier.text == #"{"error":"invalid_grant","error_description":"code_verifier does not match the code_challenge"}"#)
            let noVerifier = try await rp.token([("grant_type", "authorization_code"), ("code", code), ("redirect_uri", client.redirectURI)])
            #expect(noVerifier.text == #"{"error":"invalid_grant","error_description":"code_verifier is required"}"#)
            let wrongRedirect = try await rp.token([("grant_type", "authorization_code"), ("code", code),
                                                    ("redirect_uri", "https://app.example/b"), ("code_verifier", verifier)])
            #expect(wrongRedirect.text
                    == #"{"error":"invalid_grant","error_description":"redirect_uri differs from the one in the authorization request"}"#)
            #expect(try await rp.redeem(code: code, verifier: verifier).status == .ok, "none of the refused requests consumed the code")
        }
    }

    @Test("replaying a used code as another client revokes nothing: the rightful tokens keep working")
    func replayByOtherClientRevokesNothing() async throws {
        try await withProvider { provider, browser in
            let (rp, code, verifier) = try await code(provider, browser, client: try await provider.makeClient(public: true))
            let tokens = try await rp.redeem(code: code, verifier: verifier).json()
            let accessToken = try tokens.string("access_token"), refreshToken = try tokens.string("refresh_token")

            let thief = TestRelyingParty(provider: provider, client: try await provider.makeClient(public: true), browser: browser)
            let replay = try await thief.redeem(code: code, verifier: verifier)
            #expect(replay.status == .badRequest)
            #expect(replay.text == Self.otherClient, "a used code is not revealed as used to another client")
            let wrongProof = try await rp.redeem(code: code, verifier: String(repeating: "y", count: 43))
            #expect(wrongProof.text == #"{"error":"invalid_grant","error_description":"code_verifier does not match the code_challenge"}"#,
                    "nor does the rightful client id without the verifier count as a second use")

            #expect(try await rp.userinfo(accessToken).status == .ok)
            #expect(try await rp.token([("grant_type", "refresh_token"), ("refresh_token", refreshToken)]).status == .ok)
        }
    }

    @Test("a second use by the rightful client fails and revokes the first use's tokens (RFC 6749 §4.1.2)")
    func rightfulSecondUseRevokes() async throws {
        try await withProvider { provider, browser in
            let (rp, code, verifier) = try await code(provider, browser, client: try await provider.makeClient())
            let tokens = try await rp.redeem(code: code, verifier: verifier).json()
            let second = try await rp.redeem(code: code, verifier: verifier)
            #expect(second.status == .badRequest)
            #expect(second.text == Self.reused)
            try await expectGrantDead(rp, tokens)
        }
    }

    @Test("a second use while the first is still storing its refresh token revokes that refresh token too")
    func secondUseInsideTheFirst() async throws {
        try await withProvider { provider, browser in
            let client = try await provider.makeClient()
            let (_, code, verifier) = try await code(provider, browser, client: client)
            let hold = HoldPoint()
            var dependencies = provider.dependencies
            dependencies.refreshTokens = HeldRefreshTokenStore(base: dependencies.refreshTokens, hold: hold)
            try await provider.application(dependencies).test(.router) { held in
                let rp = TestRelyingParty(provider: provider, client: client, browser: TestBrowser(held))
                async let first = rp.redeem(code: code, verifier: verifier)
                // The first exchange has consumed the code and signed its tokens; its refresh
                // token is not stored yet. The second use runs to its end in this gap.
                await hold.waitUntilReached()
                let second = try await rp.redeem(code: code, verifier: verifier)
                await hold.open()
                let winner = try await first
                #expect(second.text == Self.reused)
                #expect(winner.status == .ok)
                try await expectGrantDead(rp, try winner.json())
            }
        }
    }

    @Test("two simultaneous exchanges of one code: exactly one 200, and its tokens end revoked")
    func simultaneousExchanges() async throws {
        try await withProvider { provider, browser in
            let (rp, code, verifier) = try await code(provider, browser, client: try await provider.makeClient())
            async let one = rp.redeem(code: code, verifier: verifier)
            async let other = rp.redeem(code: code, verifier: verifier)
            let answers = try await [one, other]
            #expect(answers.filter { $0.status == .ok }.count == 1)
            #expect(answers.filter { $0.text == Self.reused }.count == 1)
            let winner = try #require(answers.first { $0.status == .ok })
            try await expectGrantDead(rp, try winner.json())
        }
    }

    /// `{"active": false}` and nothing else (RFC 7662 §2.2).
    func isInactive(_ answer: [String: Any]) -> Bool {
        answer.count == 1 && answer["active"] as? Bool == false
    }

    /// The grant behind `tokens` is revoked: the refresh token is refused at `/token` and
    /// inactive at `/introspect`; the access token is refused at `/userinfo` and inactive at
    /// `/introspect`.
    func expectGrantDead(_ rp: TestRelyingParty, _ tokens: [String: Any]) async throws {
        let accessToken = try tokens.string("access_token"), refreshToken = try tokens.string("refresh_token")
        let refresh = try await rp.token([("grant_type", "refresh_token"), ("refresh_token", refreshToken)])
        #expect(refresh.text == Self.deadRefresh)
        let userinfo = try await rp.userinfo(accessToken)
        #expect(userinfo.status == .unauthorized)
        #expect(userinfo.headers[.wwwAuthenticate] == Self.revokedChallenge)
        #expect(isInactive(try await rp.introspect(accessToken)))
        #expect(isInactive(try await rp.introspect(refreshToken)))
    }
}
