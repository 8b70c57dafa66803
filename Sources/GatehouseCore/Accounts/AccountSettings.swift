/// Self-service account settings: who may register, whether a verified email is needed to
/// finish a sign-in, the legal links, and the lifetimes of emailed codes and links.
public struct AccountSettings: Sendable {
    public enum Registration: String, Sendable {
        /// Anyone may register on the registration page.
        case open
        /// Only invited people (invitations come later); the page says so.
        case inviteOnly = "invite"
    }

    public var registration: Registration = .open
    /// Unverified users are sent to verification before a sign-in completes (default: yes).
    public var requireVerifiedEmail = true
    /// When set, registration requires accepting these, and the acceptance time is recorded.
    public var termsURL: String?
    public var privacyURL: String?
    /// The name people see in emails and pages.
    public var serviceName = "Gatehouse"
    public var verificationCodeLifetime: Duration = .seconds(15 * 60)
    /// Emailed second-factor codes live shorter than address-verification codes.
    public var signInCodeLifetime: Duration = .seconds(10 * 60)
    public var verificationMaxAttempts = 5
    public var verificationResendInterval: Duration = .seconds(60)
    public var passwordResetLifetime: Duration = .seconds(30 * 60)

    public init() {}

    /// How long an emailed code of this purpose works.
    public func codeLifetime(for purpose: VerificationChallenge.Purpose) -> Duration {
        purpose == .signInCode ? signInCodeLifetime : verificationCodeLifetime
    }
}
