import Foundation
import GatehouseCore
import Testing

/// The password policy rule by rule, each with a password that passes and one that fails
/// (NIST SP 800-63B §5.1.1.2; OWASP ASVS 4.0 V2.1).
@Suite("PasswordPolicy")
struct PasswordPolicyTests {
    let policy = PasswordPolicy()
    /// 12 code points, on no list, no pattern: passes every default rule.
    static let good = "tulip quarry"

    func violations(_ password: String, _ context: PasswordContext = .none, policy: PasswordPolicy? = nil) -> [PasswordViolation] {
        (policy ?? self.policy).violations(of: password, context: context)
    }

    // MARK: Length (ASVS 2.1.1, 2.1.2, 2.1.4; NIST §5.1.1.2)

    @Test("12 code points pass, 11 are too short (ASVS 2.1.1)")
    func minimumLength() {
        #expect(violations(Self.good) == [])
        #expect(violations("tulip quarr") == [.tooShort(minimum: 12, actual: 11)])
        #expect(violations("tulip quarr").first?.message == "Use at least 12 characters — this one has 11.")
    }

    static let passphrase: String = {
        let words = "violet harbor lanterns hum beneath seventy amber clouds while eleven sleepy foxes "
            + "juggle marbles near quiet orange kites and the old mill sings of rain on tin roofs"
        return String(words.prefix(128))
    }()

    @Test("a 128-character passphrase with spaces is accepted (ASVS 2.1.2, 2.1.3)")
    func longPassphrase() {
        #expect(Self.passphrase.unicodeScalars.count == 128)
        #expect(Self.passphrase.contains(" "))
        #expect(violations(Self.passphrase) == [])
    }

    @Test("129 characters are refused, never truncated to 128 (ASVS 2.1.2; NIST §5.1.1.2)")
    func tooLongNeverTruncated() {
        let longer = Self.passphrase + "s"
        #expect(violations(longer) == [.tooLong(maximum: 128, actual: 129)])
        #expect(violations(longer).first?.message == "Use at most 128 characters — this one has 129.")
    }

    @Test("the maximum is configurable")
    func configurableMaximum() {
        var settings = PasswordPolicySettings()
        settings.maximumLength = 64
        let policy = PasswordPolicy(settings: settings)
        #expect(violations(String(Self.passphrase.prefix(64)), policy: policy) == [])
        #expect(violations(String(Self.passphrase.prefix(65)), policy: policy) == [.tooLong(maximum: 64, actual: 65)])
    }

    // MARK: Normalization (NIST §5.1.1.2: NFKC or NFKD before hashing)

    @Test("full-width characters normalize (NFKC) to what they look like: ｐａｓｓｗｏｒｄ is password")
    func fullWidth() {
        #expect(PasswordPolicy.normalized("ｐａｓｓｗｏｒｄ") == "password")
        #expect(PasswordPolicy.normalized("ｐａｓｓｗｏｒｄ１２３４") == "password1234")
        #expect(violations("ｐａｓｓｗｏｒｄ１２３４") == [.common])
    }

    @Test("combining characters are counted after normalization, as code points")
    func combiningCharacters() {
        let twelve = "cre\u{300}me bru\u{302}le\u{301}e"  // "crème brûlée": 15 code points typed, 12 composed
        #expect(twelve.unicodeScalars.count == 15)
        #expect(PasswordPolicy.normalized(twelve) == "crème brûlée")
        #expect(violations(twelve) == [])
        let eleven = "cre\u{300}me bru\u{302}le\u{301}"  // 13 typed, 11 composed
        #expect(violations(eleven) == [.tooShort(minimum: 12, actual: 11)])
    }

    @Test("normalization trims nothing: spaces are part of the password")
    func noTrimming() {
        #expect(PasswordPolicy.normalized("  tulip quarry  ") == "  tulip quarry  ")
    }

    // MARK: Context-specific words (NIST §5.1.1.2; ASVS 2.1.7)

    static let user = PasswordContext(email: "River.Song@Example.com", names: ["Ada Lovelace"])

    @Test("the email, or its local part, is refused whatever the case")
    func email() {
        #expect(violations("river.song@example.com1", Self.user) == [.containsEmail])
        #expect(violations("I am RIVER.SONG, spoilers", Self.user) == [.containsEmail])
        #expect(violations("spoilers, sweetie", Self.user) == [])
        #expect(violations("ab tumbling cats", PasswordContext(email: "ab@example.com")) == [],
                "a local part under 4 characters is not a word to avoid")
    }

    @Test("each name part of 4 characters or more is refused; shorter parts are not")
    func name() {
        #expect(violations("lovelace engines", Self.user) == [.containsName])
        #expect(violations("LoveLace Engines", Self.user) == [.containsName])
        #expect(violations("ada analytic engines", Self.user) == [])
    }

    @Test("the service name, gatehouse and the configured one, is refused")
    func serviceName() {
        #expect(violations("my GateHouse login") == [.containsServiceName("gatehouse")])
        var settings = PasswordPolicySettings()
        settings.serviceNames = ["gatehouse", "Acme"]
        let policy = PasswordPolicy(settings: settings)
        #expect(violations("acme forever and ever", policy: policy) == [.containsServiceName("Acme")])
        #expect(violations("acme forever and ever", policy: policy).first?.message == "Leave the name “Acme” out of your password.")
        #expect(violations(Self.good, policy: policy) == [])
    }

    @Test("the context of a stored user covers email, name, given and family name")
    func userContext() {
        let user = User(id: UUID(), email: "grace@example.com", emailVerified: true, name: "Grace Hopper",
                        givenName: "Grace", familyName: "Hopper", passwordHash: nil, createdAt: Date(), updatedAt: Date())
        #expect(violations("hopper the admiral", PasswordContext(user: user)) == [.containsName])
        #expect(violations("grace under fire", PasswordContext(user: user)) == [.containsEmail, .containsName])
    }

    // MARK: Common and predictable passwords (NIST §5.1.1.2; ASVS 2.1.7)

    @Test("passwords on Django's common-password list are refused, ignoring case", arguments: [
        "password1234", "PassWord1234", "1q2w3e4r5t6y", "QWERTY123456",
    ])
    func common(password: String) {
        #expect(violations(password) == [.common])
    }

    @Test("the list is Django's, whole")
    func listSize() {
        #expect(CommonPasswords.count == 19_640)
        #expect(CommonPasswords.contains("iloveyou") && !CommonPasswords.contains(Self.good))
    }

    @Test("one character or a short pattern repeated, or a simple run, is refused", arguments: [
        "aaaaaaaaaaaaa", "AAAAAAaaaaaa", "123456789012", "210987654321", "abcdefghijklm", "zyxwvutsrqpo",
        "abcabcabcabc", "ab ab ab ab ab ",
    ])
    func predictable(password: String) {
        #expect(violations(password).contains(.predictable), "\(password)")
    }

    @Test("mixed passwords are not mistaken for runs or repeats", arguments: [
        "tulip quarry", "aaaaaaaaaaab", "123456789013", "abcdefghijkx",
    ])
    func notPredictable(password: String) {
        #expect(!violations(password).contains(.predictable), "\(password)")
    }

    // MARK: Composition (NIST §5.1.1.2: not imposed; ASVS 2.1.9)

    @Test("no composition rules unless turned on")
    func compositionOff() {
        #expect(violations("all lower case words") == [])
    }

    @Test("each composition rule applies once turned on")
    func compositionOn() {
        var settings = PasswordPolicySettings()
        settings.requireUppercase = true
        settings.requireLowercase = true
        settings.requireDigit = true
        settings.requireSymbol = true
        let policy = PasswordPolicy(settings: settings)
        #expect(violations("alllowercasewords", policy: policy) == [.missingUppercase, .missingDigit, .missingSymbol])
        #expect(violations("ALLUPPERCASEWORDS", policy: policy) == [.missingLowercase, .missingDigit, .missingSymbol])
        #expect(violations("Tulip quarry 7", policy: policy) == [])
    }

    // MARK: Words for the pages

    @Test("every violation says what to do")
    func messages() {
        let all: [PasswordViolation] = [
            .tooShort(minimum: 12, actual: 9), .tooLong(maximum: 128, actual: 130), .missingUppercase, .missingLowercase,
            .missingDigit, .missingSymbol, .containsEmail, .containsName, .containsServiceName("gatehouse"), .common,
            .predictable, .reused(count: 5), .reused(count: 1),
        ]
        for violation in all {
            #expect(violation.message.count > 20 && violation.message.hasSuffix("."), "\(violation)")
        }
        #expect(PasswordViolation.tooShort(minimum: 12, actual: 9).message == "Use at least 12 characters — this one has 9.")
        #expect(Set(all.map(\.message)).count == all.count)
    }

    @Test("the rules are stated in words before the user types")
    func rules() {
        #expect(policy.rules == [
            "At least 12 characters",
            "No more than 128 characters",
            "Not your email address or your name, and not the name of this service",
            "Not a commonly used password, one character repeated, or a simple run such as 1234 or abcd",
            "Not one of your last 5 passwords",
        ])
        var settings = PasswordPolicySettings()
        settings.minimumLength = 16
        settings.requireDigit = true
        settings.historyCount = 0
        settings.maximumAgeDays = 90
        let rules = PasswordPolicy(settings: settings).rules
        #expect(rules.contains("At least 16 characters"))
        #expect(rules.contains("At least one digit (0–9)"))
        #expect(!rules.contains { $0.contains("last") })
        #expect(rules.last == "You will be asked to choose a new one after 90 days")
        #expect(policy.hint.contains("Spaces are allowed"))
    }

    // MARK: Maximum age (ASVS 2.1.10: off by default)

    @Test("no maximum age by default; once set, an older password must be changed")
    func maximumAge() {
        let changed = Date(timeIntervalSince1970: 1_700_000_000)
        let later = changed.addingTimeInterval(400 * 86_400)
        #expect(!policy.isExpired(changedAt: changed, now: later))
        var settings = PasswordPolicySettings()
        settings.maximumAgeDays = 90
        let aging = PasswordPolicy(settings: settings)
        #expect(!aging.isExpired(changedAt: changed, now: changed.addingTimeInterval(89 * 86_400)))
        #expect(aging.isExpired(changedAt: changed, now: changed.addingTimeInterval(90 * 86_400)))
    }
}
