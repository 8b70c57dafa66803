/// Which second factor a session proved (kept with the session, never put in a token: `amr` says
/// `otp` for both codes, RFC 8176), so an organization that allows fewer methods than all can
/// tell a session that proved one of them (`SecondFactorRequirement.accepts`).
public enum ProvenSecondFactor: String, Sendable, Codable, Equatable {
    case authenticatorApp = "totp"
    case emailedCode = "email"
    /// A recovery code stands in for whichever factor the user lost.
    case recoveryCode = "recovery"
}
