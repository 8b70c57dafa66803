/// A bulk job's page: its counts and progress, and its results.
struct AdminJobView: PageView {
    static let template = "admin_job"
    let id: String
    let kind: String
    let dryRun: Bool
    let status: String
    let open: Bool
    let total: Int
    let done: Int
    let skipped: Int
    let failed: Int
    let processed: Int
    let created: String
    /// The action's parameters (organization, role), as text.
    let parameters: String
    let selection: String
    /// The dry run this job confirmed.
    let dryRunURL: String?
    let filters: [Filter]
    let items: [Item]
    let nextURL: String?
    let confirmURL: String?
    let confirmLabel: String
    let needsFreshSignIn: Bool
    let cancelURL: String?
    let csrfToken: String

    struct Filter: TemplateContent {
        let label: String
        let url: String
        let current: Bool
        var templateValues: TemplateValues { ["label": .text(label), "url": .text(url), "current": .flag(current)] }
    }

    struct Item: TemplateContent {
        let ordinal: Int
        /// The user's address when the viewer sees them (`named`), else the target's id or fields.
        let target: String
        let named: Bool
        let targetURL: String?
        let status: String
        let reason: String
        let ok: Bool
        let bad: Bool
        var templateValues: TemplateValues {
            ["ordinal": .text(String(ordinal)), "target": .text(target), "named": .flag(named), "targetURL": .text(targetURL),
             "status": .text(status), "reason": .text(reason), "ok": .flag(ok), "bad": .flag(bad)]
        }
    }

    var templateValues: TemplateValues {
        ["title": .text((dryRun ? "Dry run: " : "Job: ") + kind), "id": .text(id), "kind": .text(kind), "dryRun": .flag(dryRun),
         "status": .text(status), "open": .flag(open), "total": .text(String(total)), "done": .text(String(done)),
         "skipped": .text(String(skipped)), "failed": .text(String(failed)), "processed": .text(String(processed)),
         "created": .text(created), "parameters": .text(parameters.isEmpty ? nil : parameters), "selection": .text(selection),
         "dryRunURL": .text(dryRunURL), "filters": .list(filters), "items": .list(items), "nextURL": .text(nextURL),
         "confirmURL": .text(confirmURL), "confirmLabel": .text(confirmLabel), "needsFreshSignIn": .flag(needsFreshSignIn),
         "cancelURL": .text(cancelURL), "csrfToken": .text(csrfToken)]
    }

    static let sample = AdminJobView(
        id: "5b0c…", kind: "Suspend", dryRun: true, status: "Running", open: true, total: 3, done: 1, skipped: 1, failed: 0, processed: 2,
        created: "5 Dec 2026, 10:00 UTC", parameters: "organization_id 1f… · role client_user", selection: "users ticked or named",
        dryRunURL: "/admin/jobs/1", filters: [Filter(label: "All", url: "/admin/jobs/5b0c", current: true)],
        items: [Item(ordinal: 1, target: "ada@example.com", named: true, targetURL: "/admin/users/3f2c", status: "done", reason: "would suspend",
                     ok: true, bad: false)],
        nextURL: "/admin/jobs/5b0c?after=50", confirmURL: "/admin/jobs/5b0c/confirm", confirmLabel: "Suspend: apply for real",
        needsFreshSignIn: true, cancelURL: "/admin/jobs/5b0c/cancel", csrfToken: "token")
}

/// The console's list of bulk jobs, newest first.
struct AdminJobsView: PageView {
    static let template = "admin_jobs"
    let jobs: [Line]
    let nextURL: String?

    struct Line: TemplateContent {
        let url: String
        let kind: String
        let dryRun: Bool
        let status: String
        let total: Int
        let done: Int
        let skipped: Int
        let failed: Int
        let created: String
        var templateValues: TemplateValues {
            ["url": .text(url), "kind": .text(kind), "dryRun": .flag(dryRun), "status": .text(status),
             "total": .text(total == 1 ? "1 item" : "\(total) items"),
             "done": .text(String(done)), "skipped": .text(String(skipped)), "failed": .text(String(failed)), "created": .text(created)]
        }
    }

    var templateValues: TemplateValues {
        ["title": .text("Bulk jobs"), "jobs": .list(jobs), "nextURL": .text(nextURL)]
    }

    static let sample = AdminJobsView(
        jobs: [Line(url: "/admin/jobs/5b0c", kind: "Suspend", dryRun: true, status: "Finished", total: 3, done: 2, skipped: 1, failed: 0,
                    created: "5 Dec 2026, 10:00 UTC")],
        nextURL: "/admin/jobs?before=x")
}
