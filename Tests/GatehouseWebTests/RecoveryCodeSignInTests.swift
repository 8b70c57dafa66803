import Foundation
import GatehouseCore
import GatehouseTestingStack
import HummingbirdTesting
import Testing

@Suite("Recovery codes at sign-in")
struct RecoveryCodeSignInTests {
    @Test("a recovery code signs in once (amr [pwd, mfa]); its use is emailed; the second use is refused")
    func singleUse() async throws {
        try await withProvider { provider, browser in
            let client = try await provider.makeClient()
            let (user, _, codes) = try await provider.makeUserWithTOTP(browser.client)
            let rp = TestRelyingParty(provider: provider, client: client, browser: browser)
            let request = TestRelyingParty.Request()
            let (items, _, _) = try await rp.signInWithSecondFactor(user, request) { ("recovery", codes[3].uppercased()) }
            let claims = try await rp.idTokenClaims(code: try #require(items["code"]), verifier: request.verifier)
            #expect(claims["amr"] as? [String] == ["pwd", "mfa"])
            #expect(claims["acr"] as? String == "mfa")
            let notice = try #require(try await provider.lastMail(to: user.email))
            #expect(notice.subject.contains("A recovery code was used"))
            #expect(notice.text.contains("9 codes are left"))
            let audited = try await provider.auditTypes(of: user.user.id)
            #expect(audited.contains("mfa_enrolled") && audited.contains("recovery_code_used"), "\(audited)")

            let again = TestBrowser(browser.client)
            _ = try await again.signInDirectly(user.email, user.password)
            let page = try await again.get("/mfa?method=recovery")
            #expect(page.text.contains("Recovery code") && page.text.contains(#"id="use-totp""#))
            let reused = try await again.submitSecondFactor(codes[3], method: "recovery")
            #expect(reused.status == .badRequest && reused.text.contains("already used"))
            #expect(try await again.submitSecondFactor(codes[4], method: "recovery").location == "/account")
        }
    }
}
