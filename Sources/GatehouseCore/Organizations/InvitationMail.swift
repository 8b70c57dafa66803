/// Sends an invitation's link to the invited address through the outbox, saying who invited,
/// to what and as which role (the web layer renders it from `templates/mail/`).
public protocol InvitationMail: Sendable {
    /// `inviterName` nil: the operator at the server's shell.
    func send(_ issued: Invitations.Issued, organization: Organization?, inviterName: String?) async throws
}
