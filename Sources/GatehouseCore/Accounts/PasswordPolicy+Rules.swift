/// The policy in plain words, for the registration, reset and change-password pages to show
/// before the user types (ASVS 2.1.8 asks for guidance, not a guessing game).
extension PasswordPolicy {
    public var rules: [String] { rules(forNewAccount: false) }

    /// The rules for a registration form: a new account has no earlier passwords to avoid.
    public func rules(forNewAccount: Bool) -> [String] {
        var rules = ["At least \(settings.minimumLength) characters", "No more than \(settings.maximumLength) characters"]
        if settings.requireUppercase { rules.append("At least one uppercase letter") }
        if settings.requireLowercase { rules.append("At least one lowercase letter") }
        if settings.requireDigit { rules.append("At least one digit (0–9)") }
        if settings.requireSymbol { rules.append("At least one symbol or space, such as ! # - or ?") }
        rules.append("Not your email address or your name, and not the name of this service")
        rules.append("Not a commonly used password, one character repeated, or a simple run such as 1234 or abcd")
        switch forNewAccount ? 0 : settings.historyCount {
        case ...0: break
        case 1: rules.append("Not your current password")
        case let count: rules.append("Not one of your last \(count) passwords")
        }
        if let days = settings.maximumAgeDays, days > 0 {
            rules.append("You will be asked to choose a new one after \(days) days")
        }
        return rules
    }

    /// Advice shown beside the rules: long passphrases are the point of the policy.
    public var hint: String {
        "Spaces are allowed: a few unrelated words make a password that is long and easy to remember."
    }
}
