import Foundation
import GatehouseCore
import Hummingbird

/// `/admin/imports` (issue 11 item 4): upload a file of users from another provider or of
/// invitations, see a dry run's result for every row, then confirm to import. Through `Imports`,
/// the API's and the shell's service: users for the platform roles, invitations for any
/// administrator (each row under the invitation rules).
///
/// The form is `multipart/form-data` (`ImportUpload`), read here instead of by the page pipeline
/// (whose URL-encoded forms hold 16 KiB without line breaks); its CSRF token is checked the same
/// way, before anything else, and a body that is not multipart has no token (403).
struct ImportPage {
    let dependencies: AdminModule.Dependencies

    var responder: PageResponder { dependencies.pages.responder }

    /// Rows listed on one page of a job's results.
    static let perPage = 200

    func register(on routes: PageRoutes) {
        routes.get("/admin/imports") { page in
            try await dependencies.access.admit(page) { admin in form(page, admin, entered: .blank, errors: []) }
        }
        routes.collection.post("/admin/imports") { [dependencies] request, context in
            await ImportPage(dependencies: dependencies).submit(request, context)
        }
        routes.get("/admin/imports/:id") { page in
            try await dependencies.access.admit(page) { admin in try await show(page, admin) }
        }
        routes.post("/admin/imports/:id/confirm") { page in
            try await dependencies.access.admit(page) { admin in try await confirm(page, admin) }
        }
    }

    /// What the form holds, shown again with a refusal.
    struct Entered: Sendable {
        var kind: ImportKind
        var format: ImportFormat
        var source: String

        static let blank = Entered(kind: .invitations, format: .csv, source: UserImport.defaultSource)
    }

    func submit(_ request: Request, _ context: GatehouseRequestContext) async -> Response {
        let pages = dependencies.pages
        return await pages.ownBody(request) { support in
            let upload: ImportUpload
            do {
                upload = try await ImportUpload.read(request)
            } catch ImportUpload.Failure.notMultipart {
                return responder.csrfFailure()
            } catch ImportUpload.Failure.malformed {
                return responder.error(title: "The upload could not be read",
                                       message: "Send the form from the imports page again.", status: .badRequest)
            }
            guard pages.csrf.isValid(request, form: upload.fields) else { return responder.csrfFailure() }
            let page = PageRequest(request: request, context: context, form: upload.fields, pipeline: pages, support: support)
            return try await dependencies.access.admit(page) { admin in try await start(page, admin, upload) }
        }
    }

    /// The file checked as a whole, then a dry run's job; its page shows every row's result.
    func start(_ page: PageRequest, _ admin: ConsoleAccess.Administrator, _ upload: ImportUpload) async throws -> Response {
        let fields = upload.fields
        var entered = Entered.blank
        var errors: [String] = []
        if let kind = ImportKind(rawValue: fields["kind"] ?? "") { entered.kind = kind } else { errors.append("Choose what to import.") }
        if let format = ImportFormat(rawValue: fields["format"] ?? "") { entered.format = format } else { errors.append("Choose CSV or JSON lines.") }
        entered.source = fields["source"] ?? UserImport.defaultSource
        guard errors.isEmpty else { return form(page, admin, entered: entered, errors: errors) }
        guard !upload.data.isEmpty else { return form(page, admin, entered: entered, errors: ["Choose a file, or paste its rows."]) }
        let file: ImportFile
        do {
            file = try ImportFile(kind: entered.kind, format: entered.format, bytes: upload.data)
        } catch {
            return form(page, admin, entered: entered, errors: [error.text])
        }
        do {
            let job = try await dependencies.importJobs.start(file, source: entered.source, dryRun: true, by: admin.principal)
            return Responses.seeOther("/admin/imports/" + job.id.uuidString.lowercased())
        } catch let refusal as BulkJobs.Refusal {
            switch refusal {
            case .notAnAdministrator, .notPermitted: return notPermitted()
            case .invalidParameters:
                return form(page, admin, entered: entered, errors: ["The source is 1 to 64 of a-z, 0-9, - and _ (for example auth0)."])
            default: return form(page, admin, entered: entered, errors: ["The import could not be started."])
            }
        }
    }

    func notPermitted() -> Response {
        responder.error(title: "Not for this account",
                        message: "Users are imported by the platform roles (super admin, site admin, operator).", status: .forbidden)
    }

    func notFound() -> Response {
        responder.error(title: "Page not found", message: "There is no page at this address.", status: .notFound)
    }

    /// An import's job: where it stands, its rows' results, and for a finished dry run that would
    /// change something, the button that imports the same rows.
    func show(_ page: PageRequest, _ admin: ConsoleAccess.Administrator) async throws -> Response {
        guard let id = page.context.parameters.get("id").flatMap(UUID.init(uuidString:)) else { return notFound() }
        let query = try page.query
        let after = query["after"].flatMap(BulkItemCursor.init)
        let job: BulkJob
        let items: [BulkItem]
        do {
            job = try await dependencies.importJobs.job(id, by: admin.principal)
            items = try await dependencies.importJobs.items(of: id, after: after, limit: Self.perPage + 1, by: admin.principal)
        } catch is BulkJobs.Refusal {
            return notFound()
        }
        let shown = Array(items.prefix(Self.perPage))
        let path = "/admin/imports/" + id.uuidString.lowercased()
        let csrf = page.csrfToken()
        let expired = dependencies.importJobs.expired(job)
        let view = AdminImportView(
            csrfToken: csrf.value, path: path, kind: ImportJobHandler.importKind(job.kind) == .users ? "Users" : "Invitations",
            dryRun: job.dryRun, status: AdminImportView.words(job.status), finished: !job.status.isOpen,
            total: String(job.counts.total), processed: String(job.counts.processed), done: String(job.counts.done),
            skipped: String(job.counts.skipped), failed: String(job.counts.failed),
            percent: String(job.counts.total == 0 ? 100 : job.counts.processed * 100 / job.counts.total),
            rows: shown.map { item in
                AdminImportView.Row(status: item.status.rawValue,
                                    reason: item.reason ?? "line \(item.payload["_line"] ?? String(item.ordinal)): " + AdminImportView.words(item.status))
            },
            moreURL: items.count > Self.perPage ? shown.last.map { path + "?after=" + BulkItemCursor(afterOrdinal: $0.ordinal).text } : nil,
            confirmable: job.dryRun && job.status == .done && job.counts.done > 0 && !expired,
            expired: expired,
            confirms: job.parameters["confirms"].map { "/admin/imports/" + $0 })
        return responder.page(view, cookies: csrf.cookies)
    }

    func confirm(_ page: PageRequest, _ admin: ConsoleAccess.Administrator) async throws -> Response {
        guard let id = page.context.parameters.get("id").flatMap(UUID.init(uuidString:)) else { return notFound() }
        do {
            let job = try await dependencies.importJobs.confirm(id, by: admin.principal)
            return Responses.seeOther("/admin/imports/" + job.id.uuidString.lowercased())
        } catch let refusal as BulkJobs.Refusal {
            switch refusal {
            case .notAnAdministrator, .notPermitted: return notPermitted()
            default: return notFound()
            }
        } catch ImportJobs.Refusal.expired {
            return responder.error(title: "Too old to import", message: "This dry run finished more than a day ago, and the password "
                                   + "hashes it was given are no longer kept. Upload the file again for a new dry run, then confirm it.",
                                   status: .conflict)
        } catch is ImportJobs.Refusal {
            return responder.error(title: "Not ready", message: "Only a finished dry run can be imported. Wait for it to finish, then confirm.",
                                   status: .conflict)
        }
    }

    func form(_ page: PageRequest, _ admin: ConsoleAccess.Administrator, entered: Entered, errors: [String]) -> Response {
        let csrf = page.csrfToken()
        let platform = UserImport.mayImport(admin.principal)
        let kinds = ImportKind.allCases.filter { $0 == .invitations || platform }.map { kind in
            AdminUsersView.Choice(value: kind.rawValue, label: kind == .users ? "Users from another provider" : "Invitations",
                                  selected: kind == entered.kind)
        }
        let formats = ImportFormat.allCases.map { format in
            AdminUsersView.Choice(value: format.rawValue, label: format == .csv ? "CSV" : "JSON lines", selected: format == entered.format)
        }
        let view = AdminImportsView(csrfToken: csrf.value, kinds: kinds, formats: formats, source: entered.source, platform: platform,
                                    errors: errors)
        return responder.form(view, refused: !errors.isEmpty, cookies: csrf.cookies)
    }
}

/// The console's imports page: the upload form.
struct AdminImportsView: PageView {
    static let template = "admin_imports"
    let csrfToken: String
    let kinds: [AdminUsersView.Choice]
    let formats: [AdminUsersView.Choice]
    let source: String
    /// The caller may import users (the source field and the users' columns are shown).
    let platform: Bool
    let errors: [String]

    var templateValues: TemplateValues {
        ["title": .text("Imports"), "csrfToken": .text(csrfToken), "kinds": .list(kinds), "formats": .list(formats),
         "source": .text(source), "platform": .flag(platform), "errors": .list(errors)]
    }

    static let sample = AdminImportsView(
        csrfToken: "csrf", kinds: [AdminUsersView.Choice(value: "invitations", label: "Invitations", selected: true)],
        formats: [AdminUsersView.Choice(value: "csv", label: "CSV", selected: true)], source: "import", platform: true,
        errors: ["The file is not CSV: the quote opened on line 2 is never closed."])
}

/// One import's job: progress, every row's result, and the confirmation of a dry run.
struct AdminImportView: PageView {
    static let template = "admin_import"
    let csrfToken: String
    let path: String
    let kind: String
    let dryRun: Bool
    let status: String
    let finished: Bool
    let total: String
    let processed: String
    let done: String
    let skipped: String
    let failed: String
    let percent: String
    let rows: [Row]
    let moreURL: String?
    /// A finished dry run with rows to apply: the button that imports them.
    let confirmable: Bool
    /// A dry run too old to confirm (`ImportJobs.confirmWindow`): what to do instead.
    let expired: Bool
    /// The dry run this import confirmed (its page).
    let confirms: String?

    struct Row: TemplateContent {
        let status: String
        /// `line 3 · ada@example.com: created`, or the line and where it stands while it waits.
        let reason: String
        var templateValues: TemplateValues { ["status": .text(status), "reason": .text(reason)] }
    }

    static func words(_ status: BulkJobStatus) -> String {
        switch status {
        case .queued: "waiting to start"
        case .running: "running"
        case .done: "finished"
        case .cancelled: "cancelled"
        }
    }

    static func words(_ status: BulkItemStatus) -> String {
        switch status {
        case .pending: "waiting"
        case .running: "in progress"
        case .done: "done"
        case .skipped: "skipped"
        case .failed: "failed"
        }
    }

    var templateValues: TemplateValues {
        ["title": .text("Import"), "csrfToken": .text(csrfToken), "path": .text(path), "kind": .text(kind), "dryRun": .flag(dryRun),
         "status": .text(status), "finished": .flag(finished), "total": .text(total), "processed": .text(processed),
         "done": .text(done), "skipped": .text(skipped), "failed": .text(failed), "percent": .text(percent), "rows": .list(rows),
         "moreURL": .text(moreURL), "confirmable": .flag(confirmable), "expired": .flag(expired),
         "confirms": .text(confirms)]
    }

    static let sample = AdminImportView(
        csrfToken: "csrf", path: "/admin/imports/6f1c", kind: "Invitations", dryRun: true, status: "finished", finished: true,
        total: "2", processed: "2", done: "1", skipped: "1", failed: "0", percent: "100",
        rows: [Row(status: "done", reason: "line 2 · ada@example.com: would create"),
               Row(status: "skipped", reason: "line 3: would skip. email is not a valid address.")],
        moreURL: "/admin/imports/6f1c?after=200", confirmable: true, expired: false, confirms: "/admin/imports/5e0b")
}
