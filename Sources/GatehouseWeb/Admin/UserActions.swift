import Foundation
import GatehouseCore
import Hummingbird

/// `POST /admin/users/<id>/<action>`: the support actions of a user's page, each a form with
/// CSRF (the pipeline checks it), done by Core's `UserSupport` (which asks `ConsoleUserAccess`
/// and audits with the administrator as actor), then back to the user's page with a notice.
struct UserActions {
    let dependencies: AdminModule.Dependencies

    func register(on routes: PageRoutes) {
        routes.post("/admin/users/:id/:action") { page in
            try await dependencies.access.admit(page) { admin in
                guard let id = page.context.parameters.get("id").flatMap(UUID.init(uuidString:)),
                      let action = page.context.parameters.get("action").flatMap(UserSupport.Action.init(rawValue:)) else {
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
    }
}
