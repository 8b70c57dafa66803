/// "Sign out of Gatehouse?": the confirmation RP-initiated logout asks for when it cannot tell
/// that the request speaks for the person signed in. The request's parameters ride along as
/// hidden fields so a confirmed logout can still return to a verified client URI.
struct LogoutConfirmView: PageView {
    let templateName = "logout_confirm"
    let title = "Sign out"
    let csrfToken: String
    /// The signed-in account, when this browser has a session.
    let email: String?
    let idTokenHint: String?
    let postLogoutRedirectURI: String?
    let state: String?
    let clientID: String?
}

/// The end of a logout that does not go back to a client.
struct SignedOutView: PageView {
    let templateName = "signed_out"
    let title = "Signed out"
    /// The client asked for a `post_logout_redirect_uri` it did not register (not shown: only
    /// that it was not followed).
    let unverifiedRedirect: Bool
}
