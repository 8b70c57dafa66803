import Foundation
import GatehouseCore
import Hummingbird

/// The lifecycle on a user's console page (issue 11 items 2 and 3): suspend, reactivate,
/// deactivate, erase, and export — through `UserLifecycle`, the service the API and the CLI
/// call, so its rule (`UserAdministrationRules`) decides here too. Erasing is destructive: it
/// asks for a sign-in within the last five minutes and for the user's email typed again.
struct UserLifecycleActions {
    let dependencies: AdminModule.Dependencies

    /// The status changes a form may ask for, by the path's last segment: Core's table.
    typealias Change = AccountStatus.Change

    static let notices = [
        Change.suspend.rawValue: "Suspended: they cannot sign in, and every session, refresh token and access token of theirs stopped working.",
        Change.reactivate.rawValue: "Reactivated: they may sign in again (nothing that was revoked comes back).",
        Change.deactivate.rawValue: "Deactivated: they cannot sign in until an administrator reactivates the account.",
    ]

    func change(_ change: Change, _ id: UUID, by admin: ConsoleAccess.Administrator) async throws -> Response {
        try await answering {
            switch change {
            case .suspend: _ = try await dependencies.lifecycle.suspend(userID: id, by: admin.principal)
            case .reactivate: _ = try await dependencies.lifecycle.reactivate(userID: id, by: admin.principal)
            case .deactivate: _ = try await dependencies.lifecycle.deactivate(userID: id, by: admin.principal)
            }
            return Responses.seeOther("/admin/users/\(id.uuidString.lowercased())?done=\(change.rawValue)")
        }
    }

    func erase(_ id: UUID, _ page: PageRequest, by admin: ConsoleAccess.Administrator) async throws -> Response {
        guard dependencies.access.isFresh(admin.account.session) else {
            return dependencies.pages.responder.error(
                title: "Sign in again first",
                message: "Erasing an account needs a sign-in within the last five minutes. Sign out, sign in again, and come back to this page.",
                status: .forbidden)
        }
        return try await answering {
            let user = try await dependencies.directory.user(id, by: admin.principal).listing.user
            guard User.normalizedEmail(page.form["confirm_email"] ?? "") == user.email else {
                return dependencies.pages.responder.error(
                    title: "Not erased", message: "Type the account's email address exactly to confirm the erasure.", status: .badRequest)
            }
            try await dependencies.lifecycle.erase(userID: id, by: admin.principal)
            return Responses.seeOther("/admin/users?done=erased")
        }
    }

    /// `GET /admin/users/<id>/export`: everything stored about them, one JSON document.
    func export(_ id: UUID, by admin: ConsoleAccess.Administrator) async throws -> Response {
        try await answering {
            let document = try await dependencies.lifecycle.export(userID: id, by: admin.principal, exporter: dependencies.exporter)
            return Response(status: .ok, headers: [
                .contentType: "application/json", .cacheControl: "no-store",
                .contentDisposition: "attachment; filename=\"gatehouse-user-\(id.uuidString.lowercased()).json\"",
            ], body: .init(byteBuffer: ByteBuffer(bytes: try document.json())))
        }
    }

    /// The lifecycle's refusals as console pages.
    func answering(_ body: () async throws -> Response) async throws -> Response {
        let responder = dependencies.pages.responder
        do {
            return try await body()
        } catch let refusal as ConsoleUserAccess.Refusal {
            return ConsoleWords.refusal(refusal, responder)
        } catch let refusal as UserLifecycle.Refusal {
            switch refusal {
            case .notFound: return ConsoleWords.refusal(.notVisible, responder)
            case .notPermitted:
                return responder.error(title: "Not allowed", message: "You may not do this to this user: they hold a role at or above yours, or outside your organizations.",
                                       status: .forbidden)
            case .ownAccount: return responder.error(title: "Not allowed", message: "Manage your own account on your account page.", status: .conflict)
            case .lastSuperAdmin:
                return responder.error(title: "Not allowed", message: "This is the last active super admin: make someone else one first.", status: .conflict)
            case .status(let status):
                return responder.error(title: "Nothing to change", message: "The account is \(status.rawValue) already, or cannot go there from its status.",
                                       status: .conflict)
            }
        }
    }
}

extension AccountStatus.Change {
    /// The button's words.
    var label: String {
        switch self {
        case .suspend: "Suspend"
        case .reactivate: "Reactivate"
        case .deactivate: "Deactivate"
        }
    }
}
