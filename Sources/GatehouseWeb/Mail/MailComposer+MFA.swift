import GatehouseCore

/// The second-factor emails: the sign-in code itself. (Changes to the factors and the use of a
/// recovery code go out as notices, `sendNotice`.)
extension MailComposer {
    /// The emailed second-factor code.
    struct SignInCodeMail: MailView {
        static let template = "mail/mfa_code"
        let serviceName: String
        let code: String
        let resetURL: String

        var templateValues: TemplateValues {
            ["serviceName": .text(serviceName), "code": .text(code), "resetURL": .text(resetURL)]
        }

        static let sample = SignInCodeMail(serviceName: "Gatehouse", code: "123456", resetURL: "https://id.example.test/forgot-password")
    }

    func sendSignInCode(to email: String, code: String) async throws {
        try await send(to: email, subject: "\(code) is your \(settings.serviceName) sign-in code",
                       view: SignInCodeMail(serviceName: settings.serviceName, code: code, resetURL: issuer + "/forgot-password"), secret: code)
    }
}
