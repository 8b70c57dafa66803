import GatehouseCore

/// The second-factor emails: the sign-in code itself. (Changes to the factors and the use of a
/// recovery code go out as notices, `sendNotice`.)
extension MailComposer {
    struct SignInCodeMail {
        let serviceName: String
        let code: String
        let resetURL: String
    }

    func sendSignInCode(to email: String, code: String) async throws {
        try await send(to: email, subject: "\(code) is your \(settings.serviceName) sign-in code", template: "mail/mfa_code",
                       view: SignInCodeMail(serviceName: settings.serviceName, code: code, resetURL: issuer + "/forgot-password"), secret: code)
    }
}
