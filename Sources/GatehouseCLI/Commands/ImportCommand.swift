import ArgumentParser
import Foundation
import GatehouseCore

/// `gatehouse import users|invitations FILE`: the same import the console and
/// `POST /api/v1/imports` run (`Imports`), as the operator at the server's shell. Prints one line
/// per row (line, outcome, email, reason) and the counts; `--dry-run` changes nothing.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Import users from another provider, or invitations, from a CSV or JSON-lines file.",
        subcommands: [Users.self, Invitations.self])

    struct Options: ParsableArguments {
        @Argument(help: "The file (at most 10 MB).") var file: String
        @Option(help: "csv or jsonl (default: from the file's extension, else csv).") var format: String?
        @Flag(name: .customLong("dry-run"), help: "Report what each row would do; change nothing.") var dryRun = false
        @Flag(help: "Print the results as JSON.") var json = false

        func read(_ kind: ImportKind) throws -> ImportFile {
            let named = format ?? (file.lowercased().hasSuffix(".jsonl") || file.lowercased().hasSuffix(".ndjson") ? "jsonl" : "csv")
            let url = URL(fileURLWithPath: file)
            // Refused by size before the whole file is read.
            let size = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? nil
            guard let size else { throw ValidationError("cannot read \(file)") }
            do {
                guard size <= ImportFile.maximumBytes else { throw ImportFileError.tooLarge(limit: ImportFile.maximumBytes) }
                let bytes = try Array(Data(contentsOf: url))
                return try ImportFile(kind: kind, format: try ImportFile.format(named: named), bytes: bytes)
            } catch let error as ImportFileError {
                throw ValidationError(error.text)
            }
        }
    }

    struct Users: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import users (columns: external_id, email, name, email_verified, password_hash, organization, role).",
            discussion: """
                A row whose external_id was imported before from the same --source updates that account; \
                password hashes (bcrypt $2a$/$2b$/$2y$, argon2 $argon2id$/$argon2i$) are verified as they are \
                at the next sign-in and rehashed to argon2id.
                """)
        @OptionGroup var options: Options
        @Option(help: "The provider the ids come from (a-z, 0-9, -, _).") var source = UserImport.defaultSource

        func run() async throws {
            let file = try options.read(.users)
            let report = try await ImportRun.run(file, source: source, dryRun: options.dryRun)
            try ImportOutput.print(report, json: options.json)
        }
    }

    struct Invitations: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send invitations (columns: email, name, role, organization), mailed like `invite create`.")
        @OptionGroup var options: Options

        func run() async throws {
            let file = try options.read(.invitations)
            let report = try await ImportRun.run(file, source: UserImport.defaultSource, dryRun: options.dryRun)
            try ImportOutput.print(report, json: options.json)
        }
    }
}

/// The import service on the shell's backends.
enum ImportRun {
    static func run(_ file: ImportFile, source: String, dryRun: Bool) async throws -> ImportReport {
        try await withOrganizationServices { services in
            let backends = services.backends
            let imports = Imports(
                users: UserImport(users: services.users, identities: backends.externalIdentities, organizations: services.organizations,
                                  memberships: backends.memberships, audit: services.audit, clock: backends.clock),
                invitations: InvitationImport(invitations: services.invitations))
            do {
                return try await imports.run(file, source: source, dryRun: dryRun, by: services.principal)
            } catch Imports.Refusal.invalidSource {
                throw ValidationError("--source must be 1 to 64 of a-z, 0-9, '-' and '_'")
            }
        }
    }
}

/// A report as lines (`line 3  created  ada@example.com`) or JSON.
enum ImportOutput {
    struct Record: Encodable {
        let line: Int
        let outcome: String
        let email: String?
        let reason: String?
    }

    struct Summary: Encodable {
        let kind: String
        let dryRun: Bool
        let created: Int
        let updated: Int
        let skipped: Int
        let results: [Record]

        enum CodingKeys: String, CodingKey {
            case kind, dryRun = "dry_run", created, updated, skipped, results
        }
    }

    static func print(_ report: ImportReport, json: Bool) throws {
        let records = report.results.map { Record(line: $0.line, outcome: $0.outcome.rawValue, email: $0.subject, reason: $0.reason) }
        if json {
            try printJSON(Summary(kind: report.kind.rawValue, dryRun: report.dryRun, created: report.count(.created),
                                  updated: report.count(.updated), skipped: report.count(.skipped), results: records))
            return
        }
        for record in records {
            Swift.print(["line \(record.line)", record.outcome, record.email ?? "-", record.reason ?? ""]
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces))
        }
        let verb = report.dryRun ? "dry run, nothing changed: would be" : "done:"
        Swift.print("\(verb) \(report.count(.created)) created, \(report.count(.updated)) updated, \(report.count(.skipped)) skipped")
    }
}
