/// "Sign out of Gatehouse?": the confirmation RP-initiated logout asks for when it cannot tell
/// that the request speaks for the person signed in. The request's parameters ride along as
/// hidden fields so a confirmed logout can still return to a verified client URI.
struct LogoutConfirmView: PageView {
    static let template = "logout_confirm"
    let csrfToken: String
    /// The signed-in account, when this browser has a session.
    let email: String?
    let idTokenHint: String?
    let postLogoutRedirectURI: String?
    let state: String?
    let clientID: String?

    var templateValues: TemplateValues {
        [
            "title": .text("Sign out"),
            "csrfToken": .text(csrfToken),
            "email": .text(email),
            "idTokenHint": .text(idTokenHint),
            "postLogoutRedirectURI": .text(postLogoutRedirectURI),
            "state": .text(state),
            "clientID": .text(clientID),
        ]
    }

    static let sample = LogoutConfirmView(csrfToken: "csrf", email: "ada@example.test", idTokenHint: "id-token",
                                          postLogoutRedirectURI: "https://app.example.test/bye", state: "state-value",
                                          clientID: "example-app")
}

/// The end of a logout that does not go back to a client.
struct SignedOutView: PageView {
    static let template = "signed_out"
    /// The client asked for a `post_logout_redirect_uri` it did not register (not shown: only
    /// that it was not followed).
    let unverifiedRedirect: Bool

    var templateValues: TemplateValues {
        ["title": .text("Signed out"), "unverifiedRedirect": .flag(unverifiedRedirect)]
    }

    static let sample = SignedOutView(unverifiedRedirect: true)
}
