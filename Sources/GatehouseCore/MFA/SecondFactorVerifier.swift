import Foundation

/// Checks a second factor typed on the MFA page, whichever kind it is, and says which methods
/// (RFC 8176) the sign-in then carries. The caller reserves the attempt (`AttemptLimiter`,
/// `.secondFactor(userID:)`) before calling and reports the outcome after.
public struct SecondFactorVerifier: Sendable {
    let totp: TOTPFactor
    let recoveryCodes: RecoveryCodes
    let emailCodes: EmailVerification

    public init(totp: TOTPFactor, recoveryCodes: RecoveryCodes, emailCodes: EmailVerification) {
        self.totp = totp
        self.recoveryCodes = recoveryCodes
        self.emailCodes = emailCodes
    }

    public enum Method: String, Sendable, CaseIterable {
        case totp
        case email
        case recovery
    }

    public enum Outcome: Sendable, Equatable {
        /// The methods the new session carries.
        case proven(amr: [String])
        case wrongCode
        /// The emailed code expired, was used up, or none was sent.
        case codeGone
    }

    public func verify(_ signIn: PendingSignIn, method: Method, code: String) async throws -> Outcome {
        let added: [String]?
        switch method {
        case .totp:
            added = try await totp.verify(userID: signIn.userID, code: code) == .accepted ? [AuthenticationMethods.oneTimePassword] : nil
        case .recovery:
            added = try await recoveryCodes.consume(userID: signIn.userID, typed: code) ? [] : nil
        case .email:
            guard let ticket = signIn.emailTicket else { return .codeGone }
            switch try await emailCodes.verify(ticket: ticket, code: code, clientIP: nil) {
            case .verified(let challenge):
                guard challenge.purpose == .signInCode, challenge.userID == signIn.userID else { return .codeGone }
                added = [AuthenticationMethods.oneTimePassword]
            case .wrongCode:
                added = nil
            case .tooManyAttempts, .expired:
                return .codeGone
            }
        }
        guard let added else { return .wrongCode }
        return .proven(amr: AuthenticationMethods.combined(signIn.amr, added))
    }
}
