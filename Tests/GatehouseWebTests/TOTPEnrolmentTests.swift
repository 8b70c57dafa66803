import Foundation
import GatehouseCore
import GatehouseCrypto
import GatehouseTestingStack
import HummingbirdTesting
import Testing

@Suite("Enrolling an authenticator app on the account page (RFC 6238)")
struct TOTPEnrolmentTests {
    @Test("the account page offers two-step verification; setting it up shows a QR code as inline SVG and the key as text")
    func enrolmentPage() async throws {
        try await withProvider { provider, browser in
            let user = try await provider.makeUser()
            _ = try await browser.signInDirectly(user.email, user.password)
            let account = try await browser.get("/account")
            #expect(account.text.contains("Two-step verification") && account.text.contains(#"id="start-totp""#))
            let page = try await browser.startTOTPOnAccountPage()
            #expect(page.status == .ok)
            let secret = try #require(page.totpSecret)
            #expect(secret.count == 20, "160-bit secret (RFC 4226 §4)")
            #expect(page.text.contains(#"<svg xmlns="http://www.w3.org/2000/svg""#))
            let path = try #require(page.text.range(of: #"<path d="([^"]*)""#, options: .regularExpression).map { String(page.text[$0]) })
            #expect(path.dropFirst(9).dropLast().allSatisfy { "Mhvz0123456789,-".contains($0) }, "the path holds only commands and numbers")
            #expect(page.text.contains("otpauth://totp/Gatehouse:" + user.email.replacingOccurrences(of: "@", with: "%40")))
            #expect(page.text.contains(#"id="totp-code""#) && page.text.contains(#"id="enable-totp""#))
            #expect(page.headers[.contentSecurityPolicy]?.contains("script-src 'sha256-") == true, "no script is needed for the QR code")
            #expect(try await provider.factors(of: user.user.id).isEmpty, "nothing counts before the first code")
        }
    }

    @Test("turning it on needs a correct first code and the current password in the same form")
    func confirmationNeedsCodeAndPassword() async throws {
        try await withProvider { provider, browser in
            let user = try await provider.makeUser()
            _ = try await browser.signInDirectly(user.email, user.password)
            let page = try await browser.startTOTPOnAccountPage()
            let secret = try #require(page.totpSecret)
            let csrf = page.hiddenField("csrf_token") ?? ""
            let enrolment = try #require(page.hiddenField("enrolment"))
            let wrongPassword = try await browser.post("/account/mfa/totp/confirm", form: [
                ("csrf_token", csrf), ("enrolment", enrolment), ("code", provider.totpCode(secret)), ("current_password", "not-it")])
            #expect(wrongPassword.status == .badRequest && wrongPassword.text.contains("current password is not right"))
            let wrongCode = try await browser.post("/account/mfa/totp/confirm", form: [
                ("csrf_token", csrf), ("enrolment", enrolment), ("code", provider.totpCode(secret, stepOffset: 5)),
                ("current_password", user.password)])
            #expect(wrongCode.status == .badRequest && wrongCode.text.contains("code is not right"))
            #expect(try await provider.factors(of: user.user.id).isEmpty)

            let done = try await browser.post("/account/mfa/totp/confirm", form: [
                ("csrf_token", csrf), ("enrolment", enrolment), ("code", provider.totpCode(secret)), ("current_password", user.password)])
            #expect(done.status == .ok)
            let codes = done.recoveryCodes
            #expect(codes.count == 10 && Set(codes).count == 10, "ten distinct recovery codes, shown once")
            #expect(codes.allSatisfy { $0.range(of: #"^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$"#, options: .regularExpression) != nil })
            let download = try #require(done.text.range(of: #"href="data:text/plain;charset=utf-8,([^"]+)" download="recovery-codes.txt""#,
                                                        options: .regularExpression).map { String(done.text[$0]) })
            let file = try #require(download.split(separator: ",").dropFirst().joined(separator: ",").split(separator: "\"").first)
            let text = try #require(String(file).removingPercentEncoding)
            #expect(codes.allSatisfy { text.contains($0) }, "the download holds every code shown")
            #expect(try await provider.factors(of: user.user.id) == [.totp])
            #expect(try await provider.lastMail(to: user.email)?.subject.contains("Two-step verification was turned on") == true)
            #expect(try await browser.get("/account").text.contains("10 unused recovery codes left"))
        }
    }

    @Test("encryption at rest: the stored secret is neither the raw nor the base32 secret, and opens only under the key for this user")
    func secretEncryptedAtRest() async throws {
        try await withProvider { provider, browser in
            let user = try await provider.makeUser()
            _ = try await browser.signInDirectly(user.email, user.password)
            let (secret, _) = try await browser.enrolTOTP(password: user.password, provider: provider)
            let row = try #require(try await TestServices.postgres().query(
                "SELECT sealed_secret, encode(sealed_secret, 'escape') AS text FROM mfa_credentials WHERE user_id = $1 AND kind = 'totp'",
                [.uuid(user.user.id)]).rows.first)
            let stored = try row.bytes("sealed_secret")
            let base32 = Array(Base32.encode(secret).utf8)
            #expect(stored != secret && stored != base32)
            #expect(!contains(stored, secret) && !contains(stored, base32), "neither form appears inside the column")
            #expect(!(try row.string("text")).contains(Base32.encode(secret)))
            let binding = Array("gatehouse:totp:\(user.subject)".utf8)
            #expect(try AESGCM.open(key: TestProvider.encryptionKey, sealed: stored, associatedData: binding) == secret)
            #expect(throws: CryptoError.self) {
                try AESGCM.open(key: TestProvider.encryptionKey, sealed: stored, associatedData: Array("gatehouse:totp:\(UUID())".utf8))
            }
        }
    }

    @Test("turning a factor off needs the current password and the second factor; the last one takes the recovery codes with it")
    func turningOff() async throws {
        try await withProvider { provider, browser in
            let user = try await provider.makeUser()
            _ = try await browser.signInDirectly(user.email, user.password)
            let (secret, _) = try await browser.enrolTOTP(password: user.password, provider: provider)
            provider.nextTOTPStep()
            let refused = try await browser.accountAction("/account/mfa/totp/disable", [("current_password", "wrong"),
                                                                                         ("code", provider.totpCode(secret))])
            #expect(refused.status == .badRequest)
            #expect(try await provider.factors(of: user.user.id) == [.totp])
            let off = try await browser.accountAction("/account/mfa/totp/disable", [("current_password", user.password),
                                                                                     ("code", provider.totpCode(secret))])
            #expect(off.location == "/account?done=totp-off")
            #expect(try await provider.factors(of: user.user.id).isEmpty)
            #expect(try await provider.recoveryCodeService.remaining(userID: user.user.id) == 0)
            #expect(try await provider.lastMail(to: user.email)?.subject.contains("turned off") == true)
            #expect(try await provider.auditTypes(of: user.user.id).suffix(1) == ["mfa_removed"])
        }
    }

    @Test("with MFA required for everyone the last factor cannot be turned off")
    func requiredCannotTurnOff() async throws {
        try await withProvider(configure: { $0.requireMFA = true }) { provider, browser in
            let client = try await provider.makeClient()
            let user = try await provider.makeUser()
            let rp = TestRelyingParty(provider: provider, client: client, browser: browser)
            let secret = try #require(try await rp.signInWithSecondFactor(user).enrolledSecret)
            provider.nextTOTPStep()
            let refused = try await browser.accountAction("/account/mfa/totp/disable", [("current_password", user.password),
                                                                                         ("code", provider.totpCode(secret))])
            #expect(refused.status == .badRequest && refused.text.contains("requires two-step verification"))
        }
    }

    @Test("new recovery codes need the password and the second factor, and replace the old ones")
    func regenerateRecoveryCodes() async throws {
        try await withProvider { provider, browser in
            let user = try await provider.makeUser()
            _ = try await browser.signInDirectly(user.email, user.password)
            let (secret, first) = try await browser.enrolTOTP(password: user.password, provider: provider)
            provider.nextTOTPStep()
            #expect(try await browser.accountAction("/account/mfa/recovery-codes", [("current_password", "no"),
                                                                                    ("code", provider.totpCode(secret))]).status == .badRequest)
            let fresh = try await browser.accountAction("/account/mfa/recovery-codes", [("current_password", user.password),
                                                                                        ("code", provider.totpCode(secret))])
            let second = fresh.recoveryCodes
            #expect(second.count == 10 && Set(second).isDisjoint(with: first))
            #expect(try await provider.recoveryCodeService.consume(userID: user.user.id, typed: first[0]) == false)
            #expect(try await provider.recoveryCodeService.consume(userID: user.user.id, typed: second[0]) == true)
        }
    }

    func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard needle.count <= haystack.count else { return false }
        return (0...(haystack.count - needle.count)).contains { Array(haystack[$0..<$0 + needle.count]) == needle }
    }
}
