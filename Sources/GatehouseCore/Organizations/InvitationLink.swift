/// Where an invitation's page is: `<issuer>/invitations/<token>`. The token is base64url, so it
/// stands in a path as it is. The mail, the CLI and the pages all build the link here.
public enum InvitationLink {
    public static func url(issuer: String, token: String) -> String {
        issuer + "/invitations/" + token
    }
}

/// Sends an invitation's link to the invited address through the outbox, saying who invited,
/// to what and as which role (the web layer renders it from `templates/mail/`).
public protocol InvitationMail: Sendable {
    /// `inviterName` nil: the operator at the server's shell.
    func send(_ issued: Invitations.Issued, organization: Organization?, inviterName: String?) async throws
}
