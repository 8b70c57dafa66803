import Foundation
import GatehouseCore
import Hummingbird

/// `POST /admin/users/<id>/<action>`: the support actions of a user's page, each a form with
/// CSRF (the pipeline checks it), done by Core's `UserSupport` (which asks `ConsoleUserAccess`
/// and audits with the administrator as actor), then back to the user's page with a notice; and
/// the lifecycle's (suspend, reactivate, deactivate, erase: `UserLifecycleActions`), plus
/// `GET /admin/users/<id>/export`.
struct UserActions {
    let dependencies: AdminModule.Dependencies

    func register(on routes: PageRoutes) {
        routes.post("/admin/users/:id/:action") { page in
            try await dependencies.access.admit(page) { admin in
                let lifecycle = UserLifecycleActions(dependencies: dependencies)
                let name = page.context.parameters.get("action") ?? ""
                guard let id = page.context.parameters.get("id").flatMap(UUID.init(uuidString:)) else {
                    return ConsoleWords.refusal(.notVisible, dependencies.pages.responder)
                }
                if let change = UserLifecycleActions.Change(rawValue: name) { return try await lifecycle.change(change, id, by: admin) }
                if name == "erase" { return try await lifecycle.erase(id, page, by: admin) }
                if name == SupportSignInActions.action { return try await SupportSignInActions(dependencies: dependencies).start(id, page, by: admin) }
                guard let action = UserSupport.Action(rawValue: name) else {
                    return ConsoleWords.refusal(.notVisible, dependencies.pages.responder)
                }
                do {
                    try await dependencies.support.perform(action, on: id, by: admin.principal)
                } catch let refusal as ConsoleUserAccess.Refusal {
                    return ConsoleWords.refusal(refusal, dependencies.pages.responder)
                }
                return Responses.seeOther("/admin/users/\(id.uuidString.lowercased())?done=\(action.rawValue)")
            }
        }
        routes.get("/admin/users/:id/export") { page in
            try await dependencies.access.admit(page) { admin in
                guard let id = page.context.parameters.get("id").flatMap(UUID.init(uuidString:)) else {
                    return ConsoleWords.refusal(.notVisible, dependencies.pages.responder)
                }
                return try await UserLifecycleActions(dependencies: dependencies).export(id, by: admin)
            }
        }
    }
}
