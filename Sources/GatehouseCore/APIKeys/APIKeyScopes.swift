/// What an API key may carry, and what each scope lets it do (issue 11 item 6). A key carries
/// at least one of:
///
/// - `gatehouse:manage` — the key may call Gatehouse's own API (`/api/v1`) as its owner. What
///   it may do there is exactly what the owner's roles allow, read from the database at every
///   call (`Principals`), never what the key or its creation remembers. Offered to every user,
///   as any user may grant it to an OAuth client: with no role, the API lets them manage only
///   their own keys.
/// - a permission string (`reports:read`) the owner holds when the key is created: one of their
///   custom roles' permissions, or — for `site_admin` and above, who hold every permission — any
///   defined one. Gatehouse's API does not act on permissions; they are for the owner's other
///   services, which learn them from `/introspect` (RFC 7662 `scope`).
///
/// At every use a key can do only what it carries *and* its owner still holds: a permission
/// taken from the owner is gone from their keys at once (`effective`), and comes back if given
/// back before the key expires.
public enum APIKeyScopes {
    /// The scopes the user may give a key now: `gatehouse:manage`, then their permissions by name.
    /// `definedPermissions` is read only for those who hold every permission.
    public static func offered(to principal: Principal, definedPermissions: () async throws -> [String]) async throws -> [String] {
        let permissions: Set<String>
        if principal.roles.platformRole?.holdsEveryPermission == true {
            permissions = Set(try await definedPermissions())
        } else {
            permissions = principal.roles.permissions
        }
        return [Scope.manage] + permissions.subtracting([Scope.manage]).sorted()
    }

    /// What a key carrying `stored` may do for an owner who may give `offered` now, in the
    /// stored order.
    public static func effective(stored: [String], offered: [String]) -> [String] {
        let held = Set(offered)
        return stored.filter(held.contains)
    }
}
