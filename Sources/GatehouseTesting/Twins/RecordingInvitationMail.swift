import GatehouseCore

/// `InvitationMail` that keeps what it was asked to send, for checks of who mails which link
/// (the real one, `InvitationMailer`, renders templates into the outbox: GatehouseWebTests).
public actor RecordingInvitationMail: InvitationMail {
    public struct Sent: Sendable, Equatable {
        public var email: String
        public var token: String
        public var organizationName: String?
        public var inviterName: String?
    }

    public private(set) var sent: [Sent] = []

    public init() {}

    public func send(_ issued: Invitations.Issued, organization: Organization?, inviterName: String?) async throws {
        sent.append(Sent(email: issued.invitation.email, token: issued.token, organizationName: organization?.name, inviterName: inviterName))
    }
}
