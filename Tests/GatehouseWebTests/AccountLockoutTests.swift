import Foundation
import GatehouseCore
import GatehouseTestingStack
import HTTPTypes
import HummingbirdTesting
import NIOConcurrencyHelpers
import Testing

/// Per-account lockout after failed passwords (OWASP ASVS V2.2.1, NIST SP 800-63B §5.2.2),
/// counted per normalized email so that an address without an account behaves identically.
@Suite("Account lockout")
struct AccountLockoutTests {
    static let wrongAnswer = "The email or password is not right"
    static let lockedTitle = "Too many failed sign-in attempts"

    /// Five wrong passwords for `email`; returns the fifth answer.
    @discardableResult
    func fail5(_ browser: TestBrowser, _ email: String) async throws -> TestResponse {
        for _ in 1...4 {
            let answer = try await browser.signIn(email, "wrong password!")
            #expect(answer.status == .badRequest)
            #expect(answer.text.contains(Self.wrongAnswer))
        }
        return try await browser.signIn(email, "wrong password!")
    }

    @Test("5 wrong passwords lock the account; the right one is then refused with the answer an unknown email gets")
    func lockAfterFive() async throws {
        let counting = try CountingHasher(TestProvider.cheapHasher())
        try await withProtectedProvider(hasher: counting) { provider, browser in
            let user = try await provider.makeUser()
            let fifth = try await fail5(browser, user.email)
            #expect(fifth.status == .tooManyRequests)
            #expect(fifth.text.contains(Self.lockedTitle))
            #expect(fifth.headers[.retryAfter] == "900")

            let before = counting.verifications
            let right = try await browser.signIn(user.email, user.password)
            #expect(counting.verifications == before, "a locked account runs no argon2")
            #expect(right.status == .tooManyRequests)
            #expect(right.headers[.retryAfter] != nil)
            #expect(right.location == nil && browser.cookies["gh_session"] == nil, "no session")

            let unknown = provider.uniqueEmail()
            try await fail5(browser, unknown)
            let unknownSixth = try await browser.signIn(unknown, "anything at all")
            #expect(unknownSixth.status == right.status)
            #expect(unknownSixth.text == right.text, "the lockout answer says nothing about whether the account exists")
        }
    }

    @Test("an unknown email is counted and answered exactly like a real account, attempt by attempt")
    func unknownEmailCountedTheSame() async throws {
        let counting = try CountingHasher(TestProvider.cheapHasher())
        try await withProtectedProvider(hasher: counting) { provider, browser in
            let user = try await provider.makeUser()
            let unknown = provider.uniqueEmail()
            for attempt in 1...7 {
                let real = try await browser.signIn(user.email, "wrong password!")
                let other = try await browser.signIn(unknown, "wrong password!")
                #expect(real.status == other.status, "attempt \(attempt)")
                #expect(real.text.replacingOccurrences(of: user.email, with: "X")
                    .replacingOccurrences(of: real.hiddenField("csrf_token") ?? "-", with: "T")
                    == other.text.replacingOccurrences(of: unknown, with: "X")
                    .replacingOccurrences(of: other.hiddenField("csrf_token") ?? "-", with: "T"), "attempt \(attempt)")
            }
            #expect(counting.verifications == 10, "5 real and 5 dummy argon2 checks, then none")
            #expect(counting.dummyVerifications == 5)
            #expect(try await provider.mailCount(to: unknown) == 0)
        }
    }

    @Test("the owner is emailed once per lockout, not per attempt")
    func ownerEmailedOnce() async throws {
        try await withProtectedProvider { provider, browser in
            let user = try await provider.makeUser()
            try await fail5(browser, user.email)
            for _ in 0..<3 { _ = try await browser.signIn(user.email, "wrong password!") }
            _ = try await browser.signIn(user.email, user.password)
            #expect(try await provider.mailCount(to: user.email) == 1)
            let mail = try #require(try await provider.lastMail(to: user.email))
            #expect(mail.subject.contains("paused"))
            #expect(mail.text.contains("reset your password"))
        }
    }

    @Test("the lock is in PostgreSQL: losing every Redis counter (a Redis restart) does not lift it")
    func survivesRedisLoss() async throws {
        try await withProtectedProvider { provider, browser in
            let user = try await provider.makeUser()
            try await fail5(browser, user.email)
            try await provider.forgetAttemptCounters()
            let right = try await browser.signIn(user.email, user.password)
            #expect(right.status == .tooManyRequests)
            #expect(right.text.contains(Self.lockedTitle))
        }
    }

    @Test("the lock ends after its duration (15 minutes) and the count starts over")
    func lockExpires() async throws {
        try await withProtectedProvider { provider, browser in
            let user = try await provider.makeUser()
            try await fail5(browser, user.email)
            provider.clock.advance(by: 14 * 60)
            #expect(try await browser.signIn(user.email, user.password).status == .tooManyRequests)
            provider.clock.advance(by: 61)
            #expect(try await browser.signIn(user.email, "wrong password!").text.contains(Self.wrongAnswer), "a fresh count")
            let right = try await browser.signIn(user.email, user.password)
            #expect(right.status == .seeOther)
            #expect(right.location == "/account")
        }
    }

    @Test("a success starts the count over: failures must be 5 in a row to lock")
    func successResets() async throws {
        try await withProtectedProvider { provider, browser in
            let user = try await provider.makeUser()
            for _ in 0..<4 { _ = try await browser.signIn(user.email, "wrong password!") }
            #expect(try await browser.signIn(user.email, user.password).status == .seeOther)
            for _ in 0..<4 {
                #expect(try await TestBrowser(browser.client).signIn(user.email, "wrong password!").status == .badRequest)
            }
        }
    }

    @Test("a completed password reset lifts the lock, so an attacker cannot keep the owner out")
    func resetLiftsLock() async throws {
        try await withProtectedProvider { provider, browser in
            let user = try await provider.makeUser()
            try await fail5(browser, user.email)

            let owner = TestBrowser(browser.client)
            let forgot = try await owner.get("/forgot-password")
            _ = try await owner.post("/forgot-password", form: [("csrf_token", forgot.hiddenField("csrf_token") ?? ""), ("email", user.email)])
            let link = try await provider.link(sentTo: user.email, prefix: "/reset-password?")
            let form = try await owner.get(link)
            let newPassword = "violet harbor lantern 77"
            let done = try await owner.post("/reset-password", form: [
                ("csrf_token", form.hiddenField("csrf_token") ?? ""), ("token", form.hiddenField("token") ?? ""),
                ("password", newPassword), ("confirm", newPassword)])
            #expect(done.text.contains("Password changed"))

            let signedIn = try await owner.signIn(user.email, newPassword)
            #expect(signedIn.status == .seeOther)
            #expect(signedIn.location == "/account")
        }
    }

    @Test("50 parallel wrong guesses over two server instances: all counted, at most 5 argon2 checks (CVE-2023-47111, CVE-2024-4629)")
    func parallelGuessesAcrossInstances() async throws {
        let counting = try CountingHasher(TestProvider.cheapHasher())
        var protection = TestProtection()
        protection.settings.perIP[.login]?.limit = 0   // one test address sends all 50: only the account limit is under test
        let first = try await TestProvider(hasher: counting, protection: protection)
        let second = try await TestProvider(hasher: counting, protection: protection)
        let user = try await first.makeUser()
        try await first.application().test(.router) { firstClient in
            try await second.application().test(.router) { secondClient in
                let firstCSRF = try await TestBrowser(firstClient).csrfPair()
                let secondCSRF = try await TestBrowser(secondClient).csrfPair()
                let before = counting.verifications
                let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                    for index in 0..<50 {
                        group.addTask {
                            let client = index.isMultiple(of: 2) ? firstClient : secondClient
                            let csrf = index.isMultiple(of: 2) ? firstCSRF : secondCSRF
                            return try await postSignIn(client, csrf: csrf, email: user.email, password: "guess \(index)").status
                        }
                    }
                    return try await group.reduce(into: [HTTPResponse.Status]()) { $0.append($1) }
                }
                #expect(counting.verifications - before == 5, "argon2 ran for the 5 reserved attempts only")
                #expect(statuses.filter { $0 == .badRequest }.count == 4, "4 plain failures")
                #expect(statuses.filter { $0 == .tooManyRequests }.count == 46, "the fifth failure locked; the rest were refused")
                #expect(try await postSignIn(firstClient, csrf: firstCSRF, email: user.email, password: user.password).status == .tooManyRequests)
                #expect(try await postSignIn(secondClient, csrf: secondCSRF, email: user.email, password: user.password).status == .tooManyRequests)
                #expect(try await first.mailCount(to: user.email) == 1, "one lockout, one email")
            }
        }
    }
}

/// A hasher whose pool can be made to look full.
final class SaturableHasher: PasswordHasher, @unchecked Sendable {
    let inner: any PasswordHasher
    let saturated = NIOLockedValueBox(false)
    init(_ inner: any PasswordHasher) { self.inner = inner }

    var isSaturated: Bool { saturated.withLockedValue { $0 } }
    func hash(_ password: String) async throws -> String { try await inner.hash(password) }
    func verify(_ password: String, against encodedHash: String) async throws -> Bool { try await inner.verify(password, against: encodedHash) }
    func needsRehash(_ encodedHash: String) -> Bool { inner.needsRehash(encodedHash) }
    func verifyDummy(_ password: String) async throws { try await inner.verifyDummy(password) }
}

@Suite("Sign-in while the argon2 pool is full")
struct SaturatedHasherTests {
    @Test("a full argon2 pool answers 503 with Retry-After before counting anything")
    func saturated() async throws {
        let hasher = try SaturableHasher(TestProvider.cheapHasher())
        try await withProtectedProvider(hasher: hasher) { provider, browser in
            let user = try await provider.makeUser()
            hasher.saturated.withLockedValue { $0 = true }
            for _ in 0..<5 {
                let busy = try await browser.signIn(user.email, "wrong password!")
                #expect(busy.status == .serviceUnavailable)
                #expect(busy.headers[.retryAfter] == "2")
            }
            hasher.saturated.withLockedValue { $0 = false }
            for _ in 0..<4 {
                #expect(try await browser.signIn(user.email, "wrong password!").status == .badRequest, "the 503s were not counted")
            }
        }
    }
}
