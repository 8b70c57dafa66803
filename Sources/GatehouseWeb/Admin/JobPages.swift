import Foundation
import GatehouseCore
import Hummingbird

/// The console's bulk jobs (issue 11 item 4): `POST /admin/jobs` makes a dry run from the user
/// directory's form (the ticked users, or every user its filter matches), `/admin/jobs/<id>`
/// shows a job's progress (a `<progress>` the script moves with `/events`; without script the
/// counts as of the load) and its results (keyset by ordinal, all or only skipped or failed),
/// with "confirm" for a finished dry run and "cancel" for an open job; `/admin/jobs` lists jobs.
/// Through `BulkJobs`, the service the API and the shell use; a bulk delete needs a sign-in
/// within five minutes, as a single one does.
struct JobPages {
    let dependencies: AdminModule.Dependencies

    static let itemsPerPage = 50
    static let jobsPerPage = 20

    var jobs: BulkJobs { dependencies.bulkJobs }
    var responder: PageResponder { dependencies.pages.responder }

    func register(on routes: PageRoutes) {
        routes.post("/admin/jobs") { page in
            try await dependencies.access.admit(page) { admin in try await answering { try await create(page, admin) } }
        }
        routes.get("/admin/jobs") { page in
            try await dependencies.access.admit(page) { admin in try await answering { try await list(page, admin) } }
        }
        routes.get("/admin/jobs/:id") { page in
            try await dependencies.access.admit(page) { admin in try await answering { try await show(try Self.id(page), page, admin) } }
        }
        routes.post("/admin/jobs/:id/confirm") { page in
            try await dependencies.access.admit(page) { admin in try await answering { try await confirm(try Self.id(page), admin) } }
        }
        routes.post("/admin/jobs/:id/cancel") { page in
            try await dependencies.access.admit(page) { admin in
                try await answering {
                    let job = try await jobs.cancel(try Self.id(page), by: admin.principal)
                    return Responses.seeOther("/admin/jobs/\(Self.text(job.id))")
                }
            }
        }
    }

    /// A refusal of `BulkJobs` as its page.
    func answering(_ body: () async throws -> Response) async throws -> Response {
        do {
            return try await body()
        } catch let refusal as BulkJobs.Refusal {
            return JobWords.page(refusal, responder)
        }
    }

    static func id(_ page: PageRequest) throws -> UUID {
        guard let text = page.context.parameters.get("id"), let id = UUID(uuidString: text) else { throw BulkJobs.Refusal.notFound }
        return id
    }

    static func text(_ id: UUID) -> String { id.uuidString.lowercased() }

    // MARK: - Making a dry run

    func create(_ page: PageRequest, _ admin: ConsoleAccess.Administrator) async throws -> Response {
        let form = page.form
        guard let kind = form["kind"].flatMap(BulkJobKind.init(rawValue:)), JobWords.userKinds.contains(kind) else {
            return responder.error(title: "Choose an action", message: "Choose one of the actions in the list.")
        }
        let targets: BulkTargets
        if form["everyone"] == "1" {
            var filter = UserListPage.Query()
            filter.text = String((form["filter_q"] ?? "").prefix(UserSearchText.maximumLength))
            filter.organizationSlug = String((form["filter_organization"] ?? "").prefix(63)).lowercased()
            filter.role = form["filter_role"].flatMap(Role.init(rawValue:))
            filter.secondFactor = switch form["filter_mfa"] { case "enrolled": true; case "none": false; default: nil }
            let (filters, unknown) = try await UserListPage.filters(filter, by: admin, organizations: dependencies.organizations)
            guard !unknown else { return responder.error(title: "Check the filter", message: "No organization has that address.") }
            targets = .matching(UserSearch(text: UserSearchText(filter.text), filters: filters))
        } else {
            let ids = form.pairs.filter { $0.name == "user" }.compactMap { UUID(uuidString: $0.value) }
            guard !ids.isEmpty else {
                return responder.error(title: "Nobody chosen",
                                       message: "Tick the users to act on, or choose “Every user matching this filter”.")
            }
            targets = .users(ids)
        }
        var parameters: [String: String] = [:]
        if kind == BulkRoleHandler.assignKind || kind == BulkRoleHandler.removeKind {
            let slug = (form["target_organization"] ?? "").trimmingCharacters(in: .whitespaces).lowercased()
            guard OrganizationNames.isSlug(slug), let organization = try await dependencies.organizations.find(slug: slug) else {
                return responder.error(title: "Choose the organization", message: "Give the address (slug) of the organization the role is in.")
            }
            parameters["organization_id"] = Self.text(organization.id)
            parameters["role"] = form["target_role"] ?? Role.clientUser.rawValue
        }
        let job = try await jobs.create(kind: kind, targets: targets, parameters: parameters, dryRun: true, by: admin.principal)
        return Responses.seeOther("/admin/jobs/\(Self.text(job.id))")
    }

    func confirm(_ id: UUID, _ admin: ConsoleAccess.Administrator) async throws -> Response {
        let dryRun = try await jobs.job(id, by: admin.principal)
        if dryRun.kind == BulkLifecycleHandler.deleteKind, !dependencies.access.isFresh(admin.account.session) {
            return responder.error(
                title: "Sign in again first",
                message: "Erasing accounts needs a sign-in within the last five minutes. Sign out, sign in again, and come back to this page.",
                status: .forbidden)
        }
        let job = try await jobs.confirm(id, by: admin.principal)
        return Responses.seeOther("/admin/jobs/\(Self.text(job.id))")
    }

    // MARK: - Reading

    func show(_ id: UUID, _ page: PageRequest, _ admin: ConsoleAccess.Administrator) async throws -> Response {
        let job = try await jobs.job(id, by: admin.principal)
        let query = try page.query
        let status = query["status"].flatMap(BulkItemStatus.init(rawValue:)).flatMap { $0.isOutcome ? $0 : nil }
        let after = query["after"].flatMap(BulkItemCursor.init)
        let page50 = try await jobs.items(of: id, status: status, after: after, limit: Self.itemsPerPage + 1, by: admin.principal)
        let shown = page50.prefix(Self.itemsPerPage)
        // Users by address, for those the viewer still sees (one query for the page); anyone else
        // (erased, or out of a client_admin's organizations now) by id, without a link that
        // would only answer 404.
        let named = try await dependencies.directory.listings(
            shown.compactMap { $0.payload["user_id"].flatMap(UUID.init(uuidString:)) }, by: admin.principal)
        let path = "/admin/jobs/\(Self.text(id))"
        let filterQuery = status.map { "status=\($0.rawValue)&" } ?? ""
        let csrf = page.csrfToken().value
        let view = AdminJobView(
            id: Self.text(id), kind: JobWords.name(job.kind), dryRun: job.dryRun, status: JobWords.status(job), open: job.status.isOpen,
            total: job.counts.total, done: job.counts.done, skipped: job.counts.skipped, failed: job.counts.failed,
            processed: job.counts.processed, created: ConsoleWords.date(job.createdAt),
            parameters: job.parameters.filter { $0.key != "selection" && $0.key != "dry_run_id" }.sorted { $0.key < $1.key }
                .map { "\($0.key) \($0.value)" }.joined(separator: " · "),
            selection: job.parameters["selection"] == "filter" ? "every user matching a filter" : "users ticked or named",
            dryRunURL: job.parameters["dry_run_id"].map { "/admin/jobs/\($0)" },
            filters: [("", "All"), ("done", job.dryRun ? "Would be done" : "Done"), ("skipped", "Skipped"), ("failed", "Failed")].map {
                AdminJobView.Filter(label: $0.1, url: path + ($0.0.isEmpty ? "" : "?status=\($0.0)"), current: $0.0 == (status?.rawValue ?? ""))
            },
            items: shown.map { item in
                let userID = item.payload["user_id"].flatMap(UUID.init(uuidString:))
                let user = userID.flatMap { named[$0] }
                let target = user?.user.email ?? item.payload["user_id"] ?? item.payload["invitation_id"]
                return AdminJobView.Item(ordinal: item.ordinal, target: target ?? item.payload.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "),
                                         named: user != nil, targetURL: user.map { "/admin/users/\(Self.text($0.user.id))" },
                                         status: item.status.rawValue, reason: item.reason ?? (item.status == .pending ? "waiting" : "in progress"),
                                         ok: item.status == .done, bad: item.status == .skipped || item.status == .failed)
            },
            nextURL: page50.count > Self.itemsPerPage ? shown.last.map { path + "?" + filterQuery + "after=\($0.ordinal)" } : nil,
            confirmURL: job.dryRun && job.status == .done && job.counts.done > 0 ? path + "/confirm" : nil,
            confirmLabel: "\(JobWords.name(job.kind)): apply for real",
            needsFreshSignIn: job.dryRun && job.kind == BulkLifecycleHandler.deleteKind,
            cancelURL: job.status.isOpen ? path + "/cancel" : nil, csrfToken: csrf)
        return responder.page(view)
    }

    func list(_ page: PageRequest, _ admin: ConsoleAccess.Administrator) async throws -> Response {
        let before = try page.query["before"].flatMap(CursorText.bulkJob)
        let found = try await jobs.list(before: before, limit: Self.jobsPerPage + 1, by: admin.principal)
        let shown = found.prefix(Self.jobsPerPage)
        let view = AdminJobsView(
            jobs: shown.map { job in
                AdminJobsView.Line(url: "/admin/jobs/\(Self.text(job.id))", kind: JobWords.name(job.kind), dryRun: job.dryRun,
                                   status: JobWords.status(job), total: job.counts.total, done: job.counts.done, skipped: job.counts.skipped,
                                   failed: job.counts.failed, created: ConsoleWords.date(job.createdAt))
            },
            nextURL: found.count > Self.jobsPerPage ? shown.last.map { "/admin/jobs?before=" + CursorText.text(BulkJobCursor(after: $0)) } : nil)
        return responder.page(view)
    }
}
