import GatehouseCore

/// `/account/keys`: a new key shown once (after it was made), the form to make one, and the
/// user's keys with a revoke button each.
struct APIKeysView: PageView {
    static let template = "api_keys"
    let csrfToken: String
    let notice: String?
    let errors: [String]
    /// The key just made, in full: on this one answer and nowhere else.
    let newKey: NewKey?
    let name: String
    let scopes: [ScopeChoice]
    let lifetimes: [LifetimeChoice]
    let keys: [KeyLine]
    /// The most live keys a user may have, in words ("50").
    let limit: String

    var templateValues: TemplateValues {
        [
            "title": .text("API keys"),
            "csrfToken": .text(csrfToken),
            "notice": .text(notice),
            "errors": .list(errors),
            "newKey": newKey.map { .nested($0) } ?? .nested(nil),
            "name": .text(name),
            "scopes": .list(scopes),
            "lifetimes": .list(lifetimes),
            "keys": .list(keys),
            "limit": .text(limit),
        ]
    }

    struct NewKey: TemplateContent {
        let name: String
        let token: String
        let expires: String

        var templateValues: TemplateValues { ["name": .text(name), "token": .text(token), "expires": .text(expires)] }
    }

    struct ScopeChoice: TemplateContent {
        let value: String
        /// What it lets a key do, in words.
        let meaning: String
        let checked: Bool
        /// An id for the checkbox's label (`scope-0`).
        let id: String

        var templateValues: TemplateValues {
            ["value": .text(value), "meaning": .text(meaning), "checked": .flag(checked), "id": .text(id)]
        }
    }

    struct LifetimeChoice: TemplateContent {
        let days: String
        let label: String
        let selected: Bool

        var templateValues: TemplateValues { ["days": .text(days), "label": .text(label), "selected": .flag(selected)] }
    }

    struct KeyLine: TemplateContent {
        let id: String
        let name: String
        let scopes: [String]
        let created: String
        let lastUsed: String?
        let expires: String
        let expired: Bool

        var templateValues: TemplateValues {
            ["id": .text(id), "name": .text(name), "scopes": .list(scopes), "created": .text(created), "lastUsed": .text(lastUsed),
             "expires": .text(expires), "expired": .flag(expired)]
        }
    }

    static let sample = APIKeysView(
        csrfToken: "csrf", notice: "The key was revoked.", errors: ["Give the key a name."],
        newKey: NewKey(name: "CI deploy", token: "ghpat_0123456789abcdefghijABCDEFGHIJ0123456789abc0a1B2c", expires: "4 Jan 2027, 00:00 UTC"),
        name: "CI deploy",
        scopes: [ScopeChoice(value: "gatehouse:manage", meaning: "Call Gatehouse's API as you", checked: true, id: "scope-0")],
        lifetimes: [LifetimeChoice(days: "30", label: "30 days", selected: true)],
        keys: [KeyLine(id: "7c9e6679-7425-40de-944b-e07fc1f90ae7", name: "CI deploy", scopes: ["gatehouse:manage"],
                       created: "5 Dec 2026, 10:00 UTC", lastUsed: "5 Dec 2026, 10:05 UTC", expires: "4 Jan 2027, 10:00 UTC", expired: true)],
        limit: "50")
}
