import GatehouseCore
import Hummingbird

/// How the console names bulk jobs and their refusals.
enum JobWords {
    /// The kinds the user directory offers, in its menu's order.
    static let userKinds: [BulkJobKind] = [BulkLifecycleHandler.suspendKind, BulkLifecycleHandler.reactivateKind,
                                            BulkRoleHandler.assignKind, BulkRoleHandler.removeKind, BulkLifecycleHandler.deleteKind]

    static func name(_ kind: BulkJobKind) -> String {
        switch kind {
        case BulkLifecycleHandler.suspendKind: "Suspend"
        case BulkLifecycleHandler.reactivateKind: "Reactivate"
        case BulkLifecycleHandler.deleteKind: "Delete (erase)"
        case BulkRoleHandler.assignKind: "Assign a role"
        case BulkRoleHandler.removeKind: "Remove a role"
        case BulkInvitationResendHandler.resendKind: "Resend invitations"
        default: kind.rawValue
        }
    }

    static func status(_ job: BulkJob) -> String {
        switch job.status {
        case .queued: "Waiting"
        case .running: "Running"
        case .done: job.dryRun ? "Dry run finished" : "Finished"
        case .cancelled: "Cancelled"
        }
    }

    /// The page for a refusal of `BulkJobs`.
    static func page(_ refusal: BulkJobs.Refusal, _ responder: PageResponder) -> Response {
        switch refusal {
        case .notAnAdministrator: responder.error(title: "Not for this account", message: "Bulk actions are for administrators.", status: .forbidden)
        case .unknownKind, .targetsDoNotFitKind: responder.error(title: "Choose an action", message: "Choose one of the actions in the list.")
        case .invalidParameters(let why): responder.error(title: "Check the action", message: "That action needs more: \(why).")
        case .tooManyTargets:
            responder.error(title: "Too many users", message: "One job acts on at most \(BulkJobs.maximumItems) users. Narrow the filter.")
        case .notFound: responder.error(title: "Page not found", message: "There is no page at this address.", status: .notFound)
        case .notPermitted: responder.error(title: "Not allowed", message: "Your role does not allow this.", status: .forbidden)
        case .notOpen(let status): responder.error(title: "Not now", message: "The job is \(status.rawValue).", status: .conflict)
        }
    }
}
