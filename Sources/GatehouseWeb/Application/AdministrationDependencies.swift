public import GatehouseCore

/// What the console (`/admin`, issue 11) reads beyond the other modules' stores: the user
/// directory, the dashboard's counts and the audit trail about a user, and whether every
/// administrator must prove a second factor (`GATEHOUSE_ADMIN_MFA`, on by default).
public struct AdministrationDependencies: Sendable {
    public var directory: any UserDirectoryStore
    public var reader: any AdministrationReader
    public var requireSecondFactor: Bool
    /// Bulk jobs and their items (issue 11 item 4).
    public var bulkJobs: any BulkJobStore
    /// Which account each user imported from another provider became (imports, issue 11 item 4).
    public var externalIdentities: any ExternalIdentityStore

    public init(directory: any UserDirectoryStore, reader: any AdministrationReader, bulkJobs: any BulkJobStore,
                requireSecondFactor: Bool = true, externalIdentities: any ExternalIdentityStore) {
        self.directory = directory
        self.reader = reader
        self.bulkJobs = bulkJobs
        self.requireSecondFactor = requireSecondFactor
        self.externalIdentities = externalIdentities
    }
}
