import GatehouseCore

extension GatehouseModules {
    /// Imports (issue 11 item 4) for the API and the console: users through the user store and
    /// the external ids, invitations through the shared `Invitations` (so they are mailed).
    static func imports(_ d: WebDependencies, _ shared: SharedServices) -> Imports {
        Imports(users: UserImport(users: d.users, identities: d.administration.externalIdentities,
                                  organizations: d.organizations.organizations, memberships: d.organizations.memberships,
                                  audit: shared.audit, clock: d.clock),
                invitations: InvitationImport(invitations: shared.invitations))
    }

    /// Imports as bulk jobs: started by the API and the console, applied by the worker.
    static func importJobs(_ d: WebDependencies, _ shared: SharedServices) -> ImportJobs {
        ImportJobs(jobs: JobComposition.jobs(d, shared))
    }
}
