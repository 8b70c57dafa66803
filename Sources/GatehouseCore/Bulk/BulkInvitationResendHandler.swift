import Foundation

/// `resend_invitation`: each item one call of `Invitations.resend` (a new link, mailed; the old
/// one stops working), which lets only those who could have sent the invitation, or its inviter,
/// resend it, and audits it. A dry run asks the same and whether it is still pending.
public struct BulkInvitationResendHandler: BulkItemHandler {
    let invitations: Invitations

    public init(invitations: Invitations) {
        self.invitations = invitations
    }

    public static let resendKind = BulkJobKind("resend_invitation")

    public var kind: BulkJobKind { Self.resendKind }
    public var targetKind: BulkTargetKind { .invitations }

    public func validate(_ parameters: [String: String], by principal: Principal) async throws -> UUID? {
        nil
    }

    public func apply(_ item: BulkItem, of job: BulkJob, by principal: Principal) async throws -> BulkItemOutcome {
        guard let id = item.payload["invitation_id"].flatMap(UUID.init(uuidString:)) else { return .skipped("not an invitation id") }
        do {
            if job.dryRun {
                let invitation = try await invitations.visible(id, to: principal)
                let state = invitation.state(at: invitations.clock.now)
                return state == .pending ? .done("would resend") : .skipped("not pending: \(state.rawValue)")
            }
            _ = try await invitations.resend(id: id, by: principal)
            return .done("resent")
        } catch let refusal as Invitations.Refusal {
            switch refusal {
            case .notFound: return .skipped("no such invitation")
            case .notPending(let state): return .skipped("not pending: \(state.rawValue)")
            default: return .skipped("not allowed")
            }
        }
    }
}
