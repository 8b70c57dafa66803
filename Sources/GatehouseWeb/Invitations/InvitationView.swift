import GatehouseCore

/// An invitation's page (`/invitations/<token>`): what it is and the one thing to do next —
/// create an account, accept as the signed-in account, sign in first, or sign out of another
/// account — or, for a link that no longer works, which way it stopped working.
struct InvitationView: PageView {
    static let template = "invitation"
    let heading: String
    /// "Ada Lovelace invited you to join Acme as an administrator."
    let summary: String?
    /// Why the link does not work (expired, revoked, used, replaced, unknown).
    let problem: String?
    /// The invited address.
    let email: String?
    let expires: String?
    var newAccount: NewAccountForm?
    var accept: AcceptForm?
    /// The invited address has an account and this browser is signed out.
    var signInURL: String?
    /// This browser is signed in as another account: its address.
    var otherAccount: String?

    var templateValues: TemplateValues {
        [
            "title": .text(heading),
            "heading": .text(heading),
            "summary": .text(summary),
            "problem": .text(problem),
            "email": .text(email),
            "expires": .text(expires),
            "newAccount": .nested(newAccount?.templateValues),
            "accept": .nested(accept?.templateValues),
            "signInURL": .text(signInURL),
            "otherAccount": .text(otherAccount),
        ]
    }

    /// Name and password for the account the invitation creates.
    struct NewAccountForm: TemplateContent {
        let csrfToken: String
        let action: String
        let name: String
        let passwordRules: [String]
        let termsURL: String?
        let privacyURL: String?
        let errors: [String]

        var templateValues: TemplateValues {
            ["csrfToken": .text(csrfToken), "action": .text(action), "name": .text(name), "passwordRules": .list(passwordRules),
             "termsURL": .text(termsURL), "privacyURL": .text(privacyURL), "errors": .list(errors)]
        }
    }

    /// One button: join as the signed-in account.
    struct AcceptForm: TemplateContent {
        let csrfToken: String
        let action: String

        var templateValues: TemplateValues {
            ["csrfToken": .text(csrfToken), "action": .text(action)]
        }
    }

    static let sample = InvitationView(
        heading: "Join Acme", summary: "Ada Lovelace invited you to join Acme as an administrator.", problem: "This invitation has expired.",
        email: "grace@example.test", expires: "11 December 2026, 09:30 UTC",
        newAccount: NewAccountForm(csrfToken: "csrf", action: "/invitations/t", name: "Grace", passwordRules: ["At least 12 characters"],
                                   termsURL: "https://example.test/terms", privacyURL: "https://example.test/privacy",
                                   errors: ["Choose a longer password."]),
        accept: AcceptForm(csrfToken: "csrf", action: "/invitations/t"), signInURL: "/login",
        otherAccount: "someone@example.test")
}
