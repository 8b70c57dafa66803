import GatehouseCore

/// Emails second-factor sign-in codes: a new code for the same challenge when one was sent
/// already (at most one a minute), else a new challenge whose ticket the pending sign-in keeps
/// (tickets never leave the server). Shared by the step-up that sends the only factor's code at
/// once (`SecondFactorGate`) and the second-factor pages.
struct SignInCodeSender: Sendable {
    let codes: EmailVerification
    /// The resend throttle's store (`allowOnce`).
    let verifications: any VerificationStore
    let settings: AccountSettings
    let challenges: SecondFactorChallenges
    let mail: MailComposer

    /// Sends a code for `signIn` (its pending sign-in `token`), remembering a new challenge in it.
    /// False when asked again too soon.
    @discardableResult
    func send(to user: User, signIn: inout PendingSignIn, token: String) async throws -> Bool {
        if let ticket = signIn.emailTicket, try await codes.challenge(ticket: ticket) != nil {
            guard let (_, issued) = try await codes.reissue(ticket: ticket) else { return false }
            try await mail.sendSignInCode(to: user.email, code: issued.code)
            return true
        }
        let issued = try await codes.issue(purpose: .signInCode, userID: user.id, email: user.email, pendingAuthorizationID: nil)
        _ = try await verifications.allowOnce(key: "resend:" + issued.ticket, per: settings.verificationResendInterval)
        signIn.emailTicket = issued.ticket
        try await challenges.update(signIn, token: token)
        try await mail.sendSignInCode(to: user.email, code: issued.code)
        return true
    }
}
