/// The second-factor settings: how long a proven password waits for its second factor and how
/// many recovery codes are made. Whether MFA is required for everyone is
/// `ProviderSettings.requireMFA` (the authorization flow needs it too); the limit on wrong codes
/// is `ProtectionSettings.secondFactorFailures`; emailed codes live
/// `AccountSettings.signInCodeLifetime`.
public struct MFASettings: Sendable {
    /// How long the "password verified" state waits for the second factor.
    public var challengeLifetime: Duration = .seconds(10 * 60)
    /// How long an authenticator-app secret waits for its first code before it is void.
    public var enrolmentLifetime: Duration = .seconds(15 * 60)
    /// Recovery codes made at each (re)generation.
    public var recoveryCodeCount = 10
    /// The name authenticator apps show next to the account.
    public var issuerName = "Gatehouse"

    public init() {}
}
