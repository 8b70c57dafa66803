/// The audit trail's words for imports (issue 11 item 4): one event per row that changed
/// something, its actor the importer, its subject the account; `details` name the source and
/// the import's row, never a password hash.
extension AuditEventType {
    /// An account was created from another provider's row (`details`: `source`, `external_id`, `line`).
    public static let userImported = AuditEventType("user_imported")
    /// An imported account was updated by a later import of its row (`details`: what changed).
    public static let userImportUpdated = AuditEventType("user_import_updated")
}
