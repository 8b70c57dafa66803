/// The audit trail's words for changes to organizations, memberships, roles and permissions
/// (issue 10 item 10). Each event's actor is `Principal.auditActor` (`user:<id>`, or `operator`
/// for the server's shell); its details name what changed (ids, role and permission names, never
/// a secret).
extension AuditEventType {
    /// An organization member's built-in role changed (`details`: `from`, `to`).
    public static let memberRoleChanged = AuditEventType("member_role_changed")
    /// A member left an organization (removed by someone allowed to).
    public static let memberRemoved = AuditEventType("member_removed")

    /// A platform role was given to a user (or `super_admin` by `gatehouse admin bootstrap`).
    public static let roleGranted = AuditEventType("role_granted")
    /// A user's platform role was taken away.
    public static let roleRevoked = AuditEventType("role_revoked")
    /// A custom role was defined, changed (name or permissions), deleted, assigned or unassigned.
    public static let roleCreated = AuditEventType("role_created")
    public static let roleUpdated = AuditEventType("role_updated")
    public static let roleDeleted = AuditEventType("role_deleted")
    public static let roleAssigned = AuditEventType("role_assigned")
    public static let roleUnassigned = AuditEventType("role_unassigned")

    /// A permission string was defined or deleted (deleting removes it from every role).
    public static let permissionCreated = AuditEventType("permission_created")
    public static let permissionDeleted = AuditEventType("permission_deleted")
}

/// The audit trail's words for clients administered from the console, the API and the CLI
/// (issue 11 item 5); `details` name what changed, never a secret.
extension AuditEventType {
    public static let clientCreated = AuditEventType("client_created")
    public static let clientUpdated = AuditEventType("client_updated")
    /// A new secret was made (`details`: `grace_seconds` the old one still works).
    public static let clientSecretRotated = AuditEventType("client_secret_rotated")
    public static let clientDeleted = AuditEventType("client_deleted")
}
