import GatehouseCore
import Hummingbird

/// What the second-factor pages share, so none of them builds another: this browser's pending
/// sign-in (bound by `SecondFactorGate.cookie`), the answers for a browser that is elsewhere in
/// it, the authenticator-app setup view, and the end of an enrolment (recovery codes shown once,
/// then "Continue").
struct SecondFactorSteps {
    let dependencies: MFAModule.Dependencies

    var responder: PageResponder { dependencies.pages.responder }

    /// The pending sign-in behind this browser's cookie, and its user; nil once the password it
    /// proved was changed (a reset voids every pending sign-in).
    func current(_ page: PageRequest) async throws -> (token: String, signIn: PendingSignIn, user: User)? {
        guard let token = page.cookie(SecondFactorGate.cookie),
              let (signIn, user) = try await dependencies.challenges.find(token: token, users: dependencies.users)
        else { return nil }
        return (token, signIn, user)
    }

    func expired() -> Response {
        var response = responder.page(NoticeView(title: "Sign in again",
                                                 message: "This sign-in took too long or was already finished. Sign in again to continue.",
                                                 linkURL: "/login", linkText: "Sign in"), status: .badRequest)
        response.setCookie(dependencies.pages.cookies.expired(SecondFactorGate.cookie))
        return response
    }

    /// The page after the codes were shown once (a reload): only "Continue" is left.
    func continuePage(_ page: PageRequest) -> Response {
        let csrf = page.csrfToken()
        return responder.page(RecoveryCodesView(heading: "Two-step verification is on", csrfToken: csrf.value,
                                                lead: "Continue to finish signing in.", codes: [], continueAction: "/mfa/continue"),
                              cookies: csrf.cookies)
    }

    /// A factor was just proven for the first time: the sign-in counts as two-step (`amr`), the
    /// recovery codes are made and shown once, and "Continue" finishes the sign-in.
    func finishEnrolment(_ page: PageRequest, token: String, signIn: PendingSignIn, user: User, method: String, amr: [String],
                         lead: String) async throws -> Response {
        await dependencies.audit.record(.mfaEnrolled, subject: user.id, details: ["method": method, "during": "sign-in"])
        var proven = signIn
        proven.provenAMR = amr
        proven.provenSecondFactor = ProvenSecondFactor(rawValue: method)
        try await dependencies.challenges.update(proven, token: token)
        let codes = try await dependencies.recoveryCodes.regenerate(userID: user.id)
        await dependencies.audit.record(.recoveryCodesRegenerated, subject: user.id)
        // No sign-in made before there was a factor outlives it (this one starts at "Continue").
        try await dependencies.accountSecurity
            .secondFactorChanged(userID: user.id, keeping: nil)
        try await notifyFactorChange(user: user, turnedOn: true)
        let csrf = page.csrfToken()
        return responder.page(RecoveryCodesView(csrfToken: csrf.value, lead: lead, codes: codes,
                                                continueAction: "/mfa/continue"), cookies: csrf.cookies)
    }

    /// The owner hears of every factor turned on or off (if it was not them, their password is known).
    func notifyFactorChange(user: User, turnedOn: Bool) async throws {
        guard dependencies.mail.outbox.isEnabled else { return }
        let service = dependencies.accountSettings.serviceName
        try await dependencies.mail
            .sendNotice(to: user.email,
                        subject: "Two-step verification was turned \(turnedOn ? "on" : "off") for your \(service) account",
                        message: "A two-step verification method of your account \(user.email) was turned \(turnedOn ? "on" : "off").")
    }

    /// The setup page's view for a secret: QR code, grouped key and `otpauth://` link.
    func enrolmentView(csrfToken: String, user: User, secret: [UInt8], lead: String, action: String, asksPassword: Bool,
                       cancelURL: String?, error: String?) -> TOTPEnrolmentView {
        let uri = OTPAuthURI.totp(secret: secret, issuer: dependencies.settings.issuerName, account: user.email)
        // A TOTP URI is ~150 bytes: always within a QR code's capacity.
        let qr = QRCodeSVG(encoding: uri) ?? QRCodeSVG(width: 0, dark: [])
        return TOTPEnrolmentView(csrfToken: csrfToken, lead: lead, action: action, qrSize: qr.size, qrPath: qr.path,
                                 secret: Base32.grouped(Base32.encode(secret)), otpauthURI: uri, asksPassword: asksPassword,
                                 email: user.email, cancelURL: cancelURL, error: error)
    }

    /// Whether this sign-in may set up a factor now (`SecondFactorRequirement.mayEnrol`): the
    /// user holds none that counts, and holds none at all or proved one in this sign-in (a
    /// password alone never adds a factor to an account that has one).
    func mayEnrol(_ signIn: PendingSignIn, user: User) async throws -> Bool {
        signIn.requirement.mayEnrol(held: try await dependencies.credentials.confirmedKinds(userID: user.id), amr: signIn.amr)
    }

    /// Emailed codes need a server that sends mail and an address already proven to be the user's.
    func emailCodesAvailable(for user: User) -> Bool {
        dependencies.mail.outbox.isEnabled && user.emailVerified
    }
}
