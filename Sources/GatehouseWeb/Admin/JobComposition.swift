public import GatehouseCore

/// Bulk jobs' services (issue 11 item 4) as the console, the API and the server's worker share
/// them: one registry of handlers, built on the same Core services the single actions use.
/// Another kind of job (an import) is one more handler in `handlers`.
enum JobComposition {
    static func handlers(_ d: WebDependencies, _ shared: SharedServices) -> BulkHandlers {
        BulkUserActions.handlers(
            lifecycle: shared.userLifecycle,
            administration: OrganizationAdministration(organizations: d.organizations.organizations, memberships: d.organizations.memberships,
                                                       users: d.users, audit: d.audit, clock: d.clock),
            customRoles: CustomRoles(roles: d.organizations.customRoles, organizations: d.organizations.organizations,
                                     memberships: d.organizations.memberships, users: d.users, audit: d.audit, clock: d.clock),
            invitations: shared.invitations)
            // Imports' kinds (import_user, import_invitation): GatehouseModules+Imports.
            .adding(ImportJobHandler.all(GatehouseModules.imports(d, shared)))
    }

    static func jobs(_ d: WebDependencies, _ shared: SharedServices) -> BulkJobs {
        BulkJobs(store: d.administration.bulkJobs, handlers: handlers(d, shared),
                 directory: UserDirectory(store: d.administration.directory, memberships: d.organizations.memberships),
                 audit: shared.audit, clock: d.clock)
    }

    static func worker(_ d: WebDependencies, _ shared: SharedServices, lease: Double = 120) -> BulkWorker {
        BulkWorker(store: d.administration.bulkJobs, handlers: handlers(d, shared),
                   principals: Principals(memberships: d.organizations.memberships, customRoles: d.organizations.customRoles),
                   users: d.users, progress: BulkProgress(events: d.liveEvents, clock: d.clock), audit: d.audit, clock: d.clock,
                   lease: lease)
    }
}

extension GatehouseApplication {
    /// The worker that applies bulk jobs' items, on the same services as the routes: `serve`
    /// runs it (`BulkWorkerService`); tests and the benchmark drain it by hand. `lease`: how long
    /// a claim holds its items before another worker may take them (seconds).
    public static func bulkWorker(_ dependencies: WebDependencies, lease: Double = 120) -> BulkWorker {
        JobComposition.worker(dependencies, SharedServices(dependencies), lease: lease)
    }
}
