import Foundation

/// `suspend_user`, `reactivate_user` and `delete_user` (a GDPR erasure): each item one call of
/// `UserLifecycle`, which asks `UserAdministrationRules` with the requester as the database has
/// them now (a `client_admin` reaches only their organizations' members; nobody themselves; never
/// the last active `super_admin`) and audits the change. A dry run asks the same rules and the
/// account's status and changes nothing.
public struct BulkLifecycleHandler: BulkItemHandler {
    public enum Action: Sendable {
        case suspend, reactivate, delete
    }

    let lifecycle: UserLifecycle
    let action: Action

    public init(_ action: Action, lifecycle: UserLifecycle) {
        self.action = action
        self.lifecycle = lifecycle
    }

    public static let suspendKind = BulkJobKind("suspend_user")
    public static let reactivateKind = BulkJobKind("reactivate_user")
    public static let deleteKind = BulkJobKind("delete_user")

    public var kind: BulkJobKind {
        switch action {
        case .suspend: Self.suspendKind
        case .reactivate: Self.reactivateKind
        case .delete: Self.deleteKind
        }
    }

    public var targetKind: BulkTargetKind { .users }

    /// These kinds take no parameters.
    public func validate(_ parameters: [String: String], by principal: Principal) async throws -> UUID? {
        nil
    }

    public func apply(_ item: BulkItem, of job: BulkJob, by principal: Principal) async throws -> BulkItemOutcome {
        guard let userID = item.payload["user_id"].flatMap(UUID.init(uuidString:)) else { return .skipped("not a user id") }
        do {
            if job.dryRun {
                let user = try await lifecycle.target(userID, rulesAction, by: principal)
                if let from, !from.contains(user.status) { return .skipped(Self.words(.status(user.status), wanted: goal)) }
                return .done("would " + verb)
            }
            switch action {
            case .suspend: _ = try await lifecycle.suspend(userID: userID, by: principal)
            case .reactivate: _ = try await lifecycle.reactivate(userID: userID, by: principal)
            case .delete: try await lifecycle.erase(userID: userID, by: principal)
            }
            return .done(done)
        } catch let refusal as UserLifecycle.Refusal {
            return .skipped(Self.words(refusal, wanted: goal))
        }
    }

    var rulesAction: UserAdministrationRules.Action {
        switch action {
        case .suspend: .suspend
        case .reactivate: .reactivate
        case .delete: .erase
        }
    }

    /// The statuses the action starts from (as `UserLifecycle` has them); nil: any.
    var from: Set<AccountStatus>? {
        switch action {
        case .suspend: [.active]
        case .reactivate: [.suspended, .deactivated]
        case .delete: nil
        }
    }

    var goal: AccountStatus? {
        switch action {
        case .suspend: .suspended
        case .reactivate: .active
        case .delete: nil
        }
    }

    var verb: String {
        switch action {
        case .suspend: "suspend"
        case .reactivate: "reactivate"
        case .delete: "delete"
        }
    }

    var done: String {
        switch action {
        case .suspend: "suspended"
        case .reactivate: "reactivated"
        case .delete: "deleted"
        }
    }

    /// Why an item was skipped, in fixed words.
    static func words(_ refusal: UserLifecycle.Refusal, wanted: AccountStatus?) -> String {
        switch refusal {
        case .notFound: "no such user"
        case .notPermitted: "not allowed"
        case .ownAccount: "your own account"
        case .lastSuperAdmin: "the last super_admin"
        case .status(let status): status == wanted ? "already \(status.rawValue)" : "is \(status.rawValue)"
        }
    }
}
