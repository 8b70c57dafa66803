/// `/account/delete`: download, then deactivate or delete for good, confirmed.
struct AccountClosingView: PageView {
    static let template = "account_delete"

    enum SecondFactor: Sendable {
        case none
        /// An authenticator code or a recovery code is asked for.
        case code
        /// Only emailed codes: the session's own sign-in must have used one.
        case provenAtSignIn
    }

    let csrfToken: String
    let email: String
    let serviceName: String
    let secondFactor: SecondFactor
    /// Which choice is ticked (the one sent, when the form comes back with an error).
    let erase: Bool
    let errors: [String]

    var templateValues: TemplateValues {
        ["title": .text("Close your account"), "csrfToken": .text(csrfToken), "email": .text(email), "serviceName": .text(serviceName),
         "askCode": .flag(secondFactor == .code), "provenAtSignIn": .flag(secondFactor == .provenAtSignIn),
         "erase": .flag(erase), "errors": .list(errors.map { .text($0) })]
    }

    static let sample = AccountClosingView(csrfToken: "token", email: "ada@example.test", serviceName: "Gatehouse", secondFactor: .code,
                                           erase: false, errors: ["Your password is not right."])
}
