import Foundation

/// The password rules of a deployment (NIST SP 800-63B §5.1.1.2, OWASP ASVS V2.1), applied by
/// registration, password reset and change password. `violations(of:context:)` checks
/// everything that needs no storage; `reuseViolation(...)` checks the history (argon2, so async);
/// `rules` states the policy in words before the user types.
///
/// Passwords are compared, counted and hashed in NFKC form (`normalized(_:)`), so the same
/// password typed on another keyboard or input method still matches.
public struct PasswordPolicy: Sendable {
    public var settings: PasswordPolicySettings

    public init(settings: PasswordPolicySettings = PasswordPolicySettings()) {
        self.settings = settings
    }

    /// The form of a password that is measured, checked and hashed: Unicode NFKC (NIST SP
    /// 800-63B §5.1.1.2), nothing trimmed or truncated. Callers hash and verify this form, never
    /// the raw input, or a password typed with full-width or decomposed characters would not
    /// match its own hash.
    public static func normalized(_ password: String) -> String {
        password.precomposedStringWithCompatibilityMapping
    }

    /// Every rule the password breaks, in the order the page should show them; empty when it is
    /// acceptable (apart from reuse, which `reuseViolation` checks).
    public func violations(of password: String, context: PasswordContext) -> [PasswordViolation] {
        let normalized = Self.normalized(password)
        let folded = normalized.lowercased()
        var found = lengthViolations(normalized) + compositionViolations(normalized)
        found += PasswordContextWords(context: context, serviceNames: settings.serviceNames).violations(in: folded)
        if CommonPasswords.contains(folded) { found.append(.common) }
        if PasswordPatterns.isPredictable(folded) { found.append(.predictable) }
        return found
    }

    /// Whether a password set at `changedAt` must be changed at this sign-in (maximum age;
    /// off unless configured). Pass the account's creation time when no change was recorded.
    public func isExpired(changedAt: Date, now: Date) -> Bool {
        guard let days = settings.maximumAgeDays, days > 0 else { return false }
        return now.timeIntervalSince(changedAt) >= Double(days) * 86_400
    }

    /// Length in code points, never truncated (ASVS 2.1.1, 2.1.2, 2.1.4; NIST §5.1.1.2).
    func lengthViolations(_ normalized: String) -> [PasswordViolation] {
        let length = normalized.unicodeScalars.count
        if length < settings.minimumLength { return [.tooShort(minimum: settings.minimumLength, actual: length)] }
        if length > settings.maximumLength { return [.tooLong(maximum: settings.maximumLength, actual: length)] }
        return []
    }

    /// Composition rules, only those a deployment turned on (ASVS 2.1.9 advises none).
    func compositionViolations(_ normalized: String) -> [PasswordViolation] {
        var found: [PasswordViolation] = []
        if settings.requireUppercase && !normalized.contains(where: \.isUppercase) { found.append(.missingUppercase) }
        if settings.requireLowercase && !normalized.contains(where: \.isLowercase) { found.append(.missingLowercase) }
        if settings.requireDigit && !normalized.contains(where: \.isNumber) { found.append(.missingDigit) }
        if settings.requireSymbol && !normalized.contains(where: { !$0.isLetter && !$0.isNumber }) {
            found.append(.missingSymbol)
        }
        return found
    }
}
