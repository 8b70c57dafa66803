import Foundation
import GatehouseCore
import Hummingbird

/// `/api/v1/api-keys`: the caller's own personal access tokens: list, create (the key's text is
/// in the 201 answer and nowhere else, ever), revoke. The rules are `APIKeys`'.
///
/// A caller who came with an API key may list and revoke (a key may retire itself) but not
/// create: a leaked key must not be able to mint fresh keys that outlive its revocation and
/// expiry. Creating takes an access token (a signed-in user's consent) or `/account/keys`.
struct APIKeyOperations {
    let dependencies: APIModule.Dependencies

    var all: [APIOperation] {
        [
            APIOperation(method: .get, path: "/api/v1/api-keys", handler: list),
            APIOperation(method: .post, path: "/api/v1/api-keys", handler: create),
            APIOperation(method: .delete, path: "/api/v1/api-keys/{id}", handler: revoke),
        ]
    }

    var keys: APIKeys { dependencies.apiKeys }

    /// Without `expires_at`, a key lives this long (or the maximum, when that is shorter).
    static let defaultLifetimeDays = 30

    static let keyMintedWithKey = APIProblems.forbidden("an API key cannot create API keys; use an access token or /account/keys")

    @Sendable func list(_ call: APIRequest) async throws -> Response {
        let principal = try await dependencies.caller.principal(for: call.request)
        guard let userID = principal.userID else { throw APIProblems.notFound }
        let listed = try await keys.list(of: userID, by: principal)
        let now = dependencies.clock.now
        return Responses.api(APIRepresentation.Page(items: listed.map { APIRepresentation.APIKeyBody($0, now: now) }, next: nil))
    }

    @Sendable func create(_ call: APIRequest) async throws -> Response {
        let caller = try await dependencies.caller.caller(for: call.request)
        guard caller.key == nil else { throw Self.keyMintedWithKey }
        let body = try await call.body(allowing: ["name", "scopes", "expires_at"])
        let name = try body.string("name")
        guard let scopes = try body.strings("scopes") else { throw APIInputError.missingField("scopes") }
        let expiresAt = try body.optionalString("expires_at").map { text in
            guard let date = APIRepresentation.parseTime(text) else { throw APIInputError.invalidField("expires_at") }
            return date
        } ?? keys.expiry(afterDays: min(Self.defaultLifetimeDays, keys.maximumLifetimeDays))
        let issued = try await keys.create(name: name, scopes: scopes, expiresAt: expiresAt, by: caller.principal)
        return Responses.api(APIRepresentation.APIKeyBody(issued.key, now: dependencies.clock.now, token: issued.token), status: .created)
    }

    @Sendable func revoke(_ call: APIRequest) async throws -> Response {
        let principal = try await dependencies.caller.principal(for: call.request)
        let id = try call.id("id")
        guard let userID = principal.userID else { throw APIProblems.notFound }
        _ = try await keys.revoke(id, of: userID, by: principal)
        return RoleOperations.noContent()
    }
}

extension APIRepresentation {
    /// An API key as its owner sees it; `token` only in the answer that created it.
    struct APIKeyBody: Encodable {
        let id: String
        let name: String
        let scopes: [String]
        /// `active` or `expired` (revoked keys are not listed).
        let status: String
        let createdAt: String
        let expiresAt: String
        let lastUsedAt: String?
        let token: String?

        init(_ key: APIKey, now: Date, token: String? = nil) {
            id = APIRepresentation.id(key.id)
            name = key.name
            scopes = key.scopes
            status = key.isExpired(at: now) ? "expired" : "active"
            createdAt = APIRepresentation.time(key.createdAt)
            expiresAt = APIRepresentation.time(key.expiresAt)
            lastUsedAt = key.lastUsedAt.map(APIRepresentation.time)
            self.token = token
        }

        enum CodingKeys: String, CodingKey {
            case id, name, scopes, status, token
            case createdAt = "created_at", expiresAt = "expires_at", lastUsedAt = "last_used_at"
        }

        /// `last_used_at` is always present (null: never used); `token` only when there is one.
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
            try container.encode(name, forKey: .name)
            try container.encode(scopes, forKey: .scopes)
            try container.encode(status, forKey: .status)
            try container.encode(createdAt, forKey: .createdAt)
            try container.encode(expiresAt, forKey: .expiresAt)
            try container.encode(lastUsedAt, forKey: .lastUsedAt)
            try container.encodeIfPresent(token, forKey: .token)
        }
    }

    /// An RFC 3339 time with seconds and an offset (`2027-01-31T12:00:00Z`); nil for anything else.
    static func parseTime(_ text: String) -> Date? {
        guard text.utf8.count <= 40 else { return nil }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }
}
