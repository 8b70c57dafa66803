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

    func register(on routes: PageRoutes) {
        routes.get("/admin/imports") { page in
            try await dependencies.access.admit(page) { admin in form(page, admin, entered: .blank, errors: []) }
        }
        routes.collection.post("/admin/imports") { [dependencies] request, context in
            await ImportPage(dependencies: dependencies).submit(request, context)
        }
    }

    /// What the form holds, shown again with a refusal or carried into the confirmation.
    struct Entered: Sendable {
        var kind: ImportKind
        var format: ImportFormat
        var source: String

        static let blank = Entered(kind: .invitations, format: .csv, source: UserImport.defaultSource)
    }

    func submit(_ request: Request, _ context: GatehouseRequestContext) async -> Response {
        let pages = dependencies.pages
        do {
            let upload: ImportUpload
            do {
                upload = try await ImportUpload.read(request)
            } catch ImportUpload.Failure.notMultipart {
                return responder.csrfFailure()
            }
            guard pages.csrf.isValid(request, form: upload.fields) else { return responder.csrfFailure() }
            let page = PageRequest(request: request, context: context, form: upload.fields, pipeline: pages)
            return try await dependencies.access.admit(page) { admin in try await run(page, admin, upload) }
        } catch ImportUpload.Failure.malformed {
            return responder.error(title: "The upload could not be read",
                                   message: "Send the form from the imports page again.", status: .badRequest)
        } catch {
            return responder.failure(error)
        }
    }

    func run(_ page: PageRequest, _ admin: ConsoleAccess.Administrator, _ upload: ImportUpload) async throws -> Response {
        let fields = upload.fields
        var entered = Entered.blank
        var errors: [String] = []
        if let kind = ImportKind(rawValue: fields["kind"] ?? "") { entered.kind = kind } else { errors.append("Choose what to import.") }
        if let format = ImportFormat(rawValue: fields["format"] ?? "") { entered.format = format } else { errors.append("Choose CSV or JSON lines.") }
        entered.source = fields["source"] ?? UserImport.defaultSource
        guard errors.isEmpty else { return form(page, admin, entered: entered, errors: errors) }
        switch dependencies.imports.refusal(entered.kind, source: entered.source, by: admin.principal) {
        case .notPermitted?:
            return responder.error(title: "Not for this account",
                                   message: "Users are imported by the platform roles (super admin, site admin, operator).", status: .forbidden)
        case .invalidSource?:
            return form(page, admin, entered: entered, errors: ["The source is 1 to 64 of a-z, 0-9, - and _ (for example auth0)."])
        case nil: break
        }
        guard !upload.data.isEmpty else { return form(page, admin, entered: entered, errors: ["Choose a file, or paste its rows."]) }
        let file: ImportFile
        do {
            file = try ImportFile(kind: entered.kind, format: entered.format, bytes: upload.data)
        } catch {
            return form(page, admin, entered: entered, errors: [error.text])
        }
        let confirmed = fields["step"] == "import"
        let report = try await dependencies.imports.run(file, source: entered.source, dryRun: !confirmed, by: admin.principal)
        // A dry run that would change something offers to import the same rows.
        let pending = report.dryRun && report.count(.skipped) < report.results.count
        return form(page, admin, entered: entered, errors: [], report: report,
                    data: pending ? String(decoding: upload.data, as: UTF8.self) : nil)
    }

    func form(_ page: PageRequest, _ admin: ConsoleAccess.Administrator, entered: Entered, errors: [String],
              report: ImportReport? = nil, data: String? = nil) -> Response {
        let csrf = page.csrfToken()
        let platform = UserImport.mayImport(admin.principal)
        let kinds = ImportKind.allCases.filter { $0 == .invitations || platform }.map { kind in
            AdminUsersView.Choice(value: kind.rawValue, label: kind == .users ? "Users from another provider" : "Invitations",
                                  selected: kind == entered.kind)
        }
        let formats = ImportFormat.allCases.map { format in
            AdminUsersView.Choice(value: format.rawValue, label: format == .csv ? "CSV" : "JSON lines", selected: format == entered.format)
        }
        let view = AdminImportsView(
            csrfToken: csrf.value, kinds: kinds, formats: formats, source: entered.source, platform: platform, errors: errors,
            report: report.map { AdminImportsView.Report($0) },
            confirmation: data.map { AdminImportsView.Confirmation(kind: entered.kind.rawValue, format: entered.format.rawValue,
                                                                    source: entered.source, data: $0) })
        return responder.form(view, refused: !errors.isEmpty, cookies: csrf.cookies)
    }
}

/// The console's imports page: the form, and a run's results.
struct AdminImportsView: PageView {
    static let template = "admin_imports"
    let csrfToken: String
    let kinds: [AdminUsersView.Choice]
    let formats: [AdminUsersView.Choice]
    let source: String
    /// The caller may import users (the source field and the users' columns are shown).
    let platform: Bool
    let errors: [String]
    let report: Report?
    /// The rows of a dry run, to import for real.
    let confirmation: Confirmation?

    struct Report: TemplateContent {
        let dryRun: Bool
        let kind: String
        let created: String
        let updated: String
        let skipped: String
        let rows: [Row]

        struct Row: TemplateContent {
            let line: String
            let outcome: String
            let email: String?
            let reason: String?
            var templateValues: TemplateValues {
                ["line": .text(line), "outcome": .text(outcome), "email": .text(email), "reason": .text(reason)]
            }
        }

        init(dryRun: Bool, kind: String, created: String, updated: String, skipped: String, rows: [Row]) {
            self.dryRun = dryRun
            self.kind = kind
            self.created = created
            self.updated = updated
            self.skipped = skipped
            self.rows = rows
        }

        init(_ report: ImportReport) {
            self.init(dryRun: report.dryRun, kind: report.kind == .users ? "users" : "invitations",
                      created: String(report.count(.created)), updated: String(report.count(.updated)),
                      skipped: String(report.count(.skipped)),
                      rows: report.results.map { result in
                          Row(line: String(result.line), outcome: Self.word(result.outcome, dryRun: report.dryRun),
                              email: result.subject, reason: result.reason)
                      })
        }

        static func word(_ outcome: ImportRowResult.Outcome, dryRun: Bool) -> String {
            switch outcome {
            case .created: dryRun ? "would create" : "created"
            case .updated: dryRun ? "would update" : "updated"
            case .skipped: dryRun ? "would skip" : "skipped"
            }
        }

        var templateValues: TemplateValues {
            ["dryRun": .flag(dryRun), "kind": .text(kind), "created": .text(created), "updated": .text(updated),
             "skipped": .text(skipped), "rows": .list(rows)]
        }
    }

    struct Confirmation: TemplateContent {
        let kind: String
        let format: String
        let source: String
        let data: String
        var templateValues: TemplateValues {
            ["kind": .text(kind), "format": .text(format), "source": .text(source), "data": .text(data)]
        }
    }

    var templateValues: TemplateValues {
        ["title": .text("Imports"), "csrfToken": .text(csrfToken), "kinds": .list(kinds), "formats": .list(formats),
         "source": .text(source), "platform": .flag(platform), "errors": .list(errors),
         "report": report.map { .nested($0) } ?? .nested(nil), "confirmation": confirmation.map { .nested($0) } ?? .nested(nil)]
    }

    static let sample = AdminImportsView(
        csrfToken: "csrf", kinds: [AdminUsersView.Choice(value: "invitations", label: "Invitations", selected: true)],
        formats: [AdminUsersView.Choice(value: "csv", label: "CSV", selected: true)], source: "import", platform: true,
        errors: ["The file is not CSV: the quote opened on line 2 is never closed."],
        report: Report(dryRun: true, kind: "invitations", created: "1", updated: "0", skipped: "1",
                       rows: [Report.Row(line: "2", outcome: "would create", email: "ada@example.com", reason: nil),
                              Report.Row(line: "3", outcome: "would skip", email: nil, reason: "email is not a valid address.")]),
        confirmation: Confirmation(kind: "invitations", format: "csv", source: "import", data: "email,role\nada@example.com,operator\n"))
}
