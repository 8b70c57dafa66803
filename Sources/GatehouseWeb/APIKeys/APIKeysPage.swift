import Foundation
import GatehouseCore
import Hummingbird

/// `/account/keys`: a signed-in user's API keys. Create (name, scopes as checkboxes from what
/// they may give now, an expiry from the choices), the new key shown once on the answer to the
/// POST itself (never stored, never in a URL), the list, revoke behind a confirmation. Every
/// rule is `APIKeys`'. A browser session is what signs in here; an API key sent as a bearer
/// token is no session (`PagePipeline.accountGet` reads only the session cookie).
struct APIKeysPage {
    let dependencies: APIKeysModule.Dependencies

    var responder: PageResponder { dependencies.pages.responder }
    var keys: APIKeys { dependencies.apiKeys }

    static let notices = ["revoked": "The key was revoked. Anything using it stops working at once."]
    /// The expiry chosen at first.
    static let suggestedDays = 30

    /// What the form keeps when it is shown again with an error.
    struct Entered {
        var name = ""
        var scopes: Set<String> = [Scope.manage]
        var days: Int?
    }

    func register(on routes: PageRoutes) {
        routes.accountGet("/account/keys") { page, account in
            let notice = try page.query["done"].flatMap { Self.notices[$0] }
            return try await show(page, account, notice: notice)
        }
        routes.accountPost("/account/keys") { page, account in try await create(page, account) }
        routes.accountPost("/account/keys/:id/revoke") { page, account in try await revoke(page, account) }
    }

    func create(_ page: PageRequest, _ account: SignedInAccount) async throws -> Response {
        let principal = try await dependencies.principals.principal(userID: account.user.id)
        let form = page.form
        let scopes = form.pairs.filter { $0.name == "scope" }.map(\.value)
        let days = form["days"].flatMap { $0.utf8.count <= 5 ? Int($0) : nil }
        let entered = Entered(name: form["name"] ?? "", scopes: Set(scopes), days: days)
        guard let days, keys.lifetimeChoices.contains(days) else {
            return try await show(page, account, errors: ["Choose when the key expires."], entered: entered)
        }
        do {
            let issued = try await keys.create(name: entered.name, scopes: scopes, expiresAt: keys.expiry(afterDays: days), by: principal)
            let shown = APIKeysView.NewKey(name: issued.key.name, token: issued.token, expires: Self.format(issued.key.expiresAt))
            // A fresh form below the new key: its name and choices are not kept.
            return try await show(page, account, newKey: shown)
        } catch let refusal as APIKeys.Refusal {
            return try await show(page, account, errors: [Self.words(refusal)], entered: entered)
        }
    }

    func revoke(_ page: PageRequest, _ account: SignedInAccount) async throws -> Response {
        let principal = try await dependencies.principals.principal(userID: account.user.id)
        guard let text = page.context.parameters.get("id"), let id = UUID(uuidString: text) else {
            return try await show(page, account, errors: [Self.words(.notFound)])
        }
        do {
            _ = try await keys.revoke(id, of: account.user.id, by: principal)
        } catch let refusal as APIKeys.Refusal {
            return try await show(page, account, errors: [Self.words(refusal)])
        }
        return Responses.seeOther("/account/keys?done=revoked#keys")
    }

    func show(_ page: PageRequest, _ account: SignedInAccount, notice: String? = nil, errors: [String] = [],
              entered: Entered = .init(), newKey: APIKeysView.NewKey? = nil) async throws -> Response {
        let entered = newKey == nil ? entered : Entered()
        let principal = try await dependencies.principals.principal(userID: account.user.id)
        let offered = try await keys.offeredScopes(to: principal)
        let listed = try await keys.list(of: account.user.id, by: principal)
        let now = dependencies.clock.now
        let chosenDays = entered.days ?? (keys.lifetimeChoices.contains(Self.suggestedDays) ? Self.suggestedDays : keys.lifetimeChoices.first)
        let view = APIKeysView(
            csrfToken: page.csrfToken().value, notice: notice, errors: errors, newKey: newKey,
            name: entered.name,
            scopes: offered.enumerated().map { index, scope in
                APIKeysView.ScopeChoice(value: scope, meaning: Self.meaning(scope), checked: entered.scopes.contains(scope),
                                        id: "scope-\(index)")
            },
            lifetimes: keys.lifetimeChoices.map { days in
                APIKeysView.LifetimeChoice(days: String(days), label: Self.lifetimeLabel(days), selected: days == chosenDays)
            },
            keys: listed.map { key in
                APIKeysView.KeyLine(id: key.id.uuidString.lowercased(), name: key.name, scopes: key.scopes, created: Self.format(key.createdAt),
                                    lastUsed: key.lastUsedAt.map(Self.format), expires: Self.format(key.expiresAt),
                                    expired: key.isExpired(at: now))
            },
            limit: String(APIKeys.maximumLiveKeys))
        return responder.form(view, refused: !errors.isEmpty)
    }

    static func meaning(_ scope: String) -> String {
        scope == Scope.manage
            ? "Call Gatehouse's API (/api/v1) as you, with the roles you hold at the time"
            : "A permission you hold, reported to your services by /introspect"
    }

    static func lifetimeLabel(_ days: Int) -> String {
        switch days {
        case 7: "7 days"
        case 30: "30 days"
        case 90: "90 days"
        case 365: "1 year"
        case 1: "1 day"
        default: "\(days) days"
        }
    }

    static func words(_ refusal: APIKeys.Refusal) -> String {
        switch refusal {
        case .invalidName: "Give the key a name, at most \(APIKeys.maximumNameLength) characters."
        case .scopeCount: "Choose at least one scope."
        case .scopeNotHeld: "You may not give a key one of those scopes; choose among those listed."
        case .invalidExpiry: "Choose when the key expires."
        case .tooManyKeys(let count): "You have \(count) keys, the most there may be. Revoke one you no longer use first."
        case .notFound: "That key does not exist or was revoked already."
        case .notPermitted: "Only you can create keys for yourself."
        }
    }

    static func format(_ date: Date) -> String { AccountPage.format(date) }
}
