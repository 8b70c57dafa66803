import Foundation
import GatehouseCore
import GatehouseTestingStack
@testable import GatehouseWeb
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// Imports on the real stack (issue 11 item 4): users from another provider sign in with their
/// bcrypt or argon2 hash and leave with an argon2id one; a second import updates instead of
/// duplicating; invitations from CSV through the API and the console, a bad row reported with
/// its reason and the others sent; the file refused as a whole when it is too large or no CSV.
@Suite("Imports")
struct ImportTests {
    /// Runs the bulk workers until every queued item has its outcome, and — when given — until the
    /// job is done (tests run at once, and another test's worker may hold some of its items).
    static func drain(_ provider: TestProvider, job id: UUID? = nil) async throws {
        for _ in 0..<200 {
            try await GatehouseApplication.bulkWorker(provider.dependencies).drain(job: id)
            guard let id, try await provider.dependencies.administration.bulkJobs.job(id: id)?.status.isOpen == true else { return }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    static func drain(_ provider: TestProvider, path: String) async throws {
        try await drain(provider, job: UUID(uuidString: String(path.split(separator: "/").last ?? "")))
    }

    static func imports(_ provider: TestProvider) -> Imports {
        GatehouseModules.imports(provider.dependencies, SharedServices(provider.dependencies))
    }

    static func importJobs(_ provider: TestProvider) -> ImportJobs {
        GatehouseModules.importJobs(provider.dependencies, SharedServices(provider.dependencies))
    }

    static func staff(_ role: Role, _ provider: TestProvider) async throws -> TestProvider.RegisteredUser {
        let user = try await provider.makeUser(name: "Grace Hopper")
        try await provider.dependencies.organizations.memberships.setPlatformRole(role, userID: user.user.id, at: provider.clock.now, by: nil)
        return user
    }

    static func reasons(_ provider: TestProvider, _ job: BulkJob) async throws -> [String] {
        try await provider.dependencies.administration.bulkJobs.items(jobID: job.id, status: nil, after: nil, limit: 200)
            .map { "\($0.status.rawValue): \($0.reason ?? "")" }
    }

    // MARK: - Legacy hashes

    @Test("a user imported with a bcrypt hash signs in with their password, and the stored hash is argon2id afterwards")
    func bcryptSignIn() async throws {
        try await withProvider { provider, browser in
            let email = provider.uniqueEmail()
            let id = "ext-" + UUID().uuidString
            let csv = """
                external_id,email,email_verified,password_hash
                \(id),\(email),true,$2b$04$UR0atSzuTsBsAKG.QriYGuipaXCCZO/z6mUStlq3wFTMCc5ws6axq
                """
            let report = try await Self.imports(provider).run(
                try ImportFile(kind: .users, format: .csv, bytes: Array(csv.utf8)), source: "legacy", dryRun: false, by: .serverOperator)
            #expect(report.results == [ImportRowResult(line: 2, outcome: .created, subject: email)])
            let imported = try #require(try await provider.dependencies.users.find(email: email))
            #expect(imported.passwordHash == "$2b$04$UR0atSzuTsBsAKG.QriYGuipaXCCZO/z6mUStlq3wFTMCc5ws6axq")

            #expect(try await browser.signInDirectly(email, "correct horse!").status == .badRequest)
            #expect(try await provider.dependencies.users.find(email: email)?.passwordHash == imported.passwordHash)
            let signedIn = try await browser.signInDirectly(email, "correct horse")
            #expect(signedIn.status == .seeOther)
            let rehashed = try #require(try await provider.dependencies.users.find(email: email)?.passwordHash)
            #expect(rehashed.hasPrefix("$argon2id$v=19$m=256,t=1,p=1$"), "rehashed to Gatehouse's parameters: \(rehashed)")
            #expect(try await browser.get("/account").status == .ok)
            // The new hash is the password's own: a fresh browser signs in against it.
            #expect(try await TestBrowser(browser.client).signInDirectly(email, "correct horse").status == .seeOther)
        }
    }

    @Test("an imported password hash is never shown and not kept once used: a dry run's rows forget it when confirmed, the real job's as each is applied; the user signs in with it")
    func hashNotKept() async throws {
        try await withProvider { provider, browser in
            let email = provider.uniqueEmail()
            let hash = "$2b$04$UR0atSzuTsBsAKG.QriYGuipaXCCZO/z6mUStlq3wFTMCc5ws6axq"
            let csv = "external_id,email,email_verified,password_hash\nkept-\(UUID().uuidString),\(email),true,\(hash)\n"
            let importJobs = Self.importJobs(provider)
            let store = provider.dependencies.administration.bulkJobs
            func stored(_ job: BulkJob) async throws -> [[String: String]] {
                try await store.items(jobID: job.id, status: nil, after: nil, limit: 10).map(\.payload)
            }
            let dryRun = try await importJobs.start(try ImportFile(kind: .users, format: .csv, bytes: Array(csv.utf8)), source: "legacy",
                                                    dryRun: true, by: .serverOperator)
            try await Self.drain(provider, job: dryRun.id)
            #expect(try await stored(dryRun).first?["password_hash"] == hash, "kept until the dry run is confirmed")
            let shown = try await importJobs.items(of: dryRun.id, after: nil, limit: 10, by: .serverOperator)
            #expect(shown.count == 1 && shown.allSatisfy { $0.payload["password_hash"] == nil && $0.payload["email"] == email },
                    "never shown: \(shown.map(\.payload))")
            let real = try await importJobs.confirm(dryRun.id, by: .serverOperator)
            #expect(try await stored(dryRun).first?["password_hash"] == nil, "the dry run forgot it on confirmation")
            try await Self.drain(provider, job: real.id)
            #expect(try await store.job(id: real.id)?.counts.done == 1)
            #expect(try await stored(real).first?["password_hash"] == nil, "the real job forgot it once applied")
            #expect(try await stored(real).first?["email"] == email)
            #expect(try await provider.dependencies.users.find(email: email)?.passwordHash == hash)
            #expect(try await browser.signInDirectly(email, "correct horse").status == .seeOther)
        }
    }

    @Test("a dry run can be confirmed for a day: after it, confirming is refused, on the console with what to do")
    func dryRunExpires() async throws {
        var configured = try await TestProvider()
        configured.dependencies.administration.requireSecondFactor = false
        let provider = configured
        try await provider.application().test(.router) { client in
            let csv = "external_id,email,password_hash\nold-\(UUID().uuidString),\(provider.uniqueEmail()),$2b$04$UR0atSzuTsBsAKG.QriYGuipaXCCZO/z6mUStlq3wFTMCc5ws6axq\n"
            let importJobs = Self.importJobs(provider)
            // The dry run is made a day and a minute ago (never in the future: the test database is
            // shared, and other tests list the newest jobs and events).
            let age = ImportJobs.confirmWindow + 60
            provider.clock.advance(by: -age)
            let dryRun = try await importJobs.start(try ImportFile(kind: .users, format: .csv, bytes: Array(csv.utf8)), source: "legacy",
                                                    dryRun: true, by: .serverOperator)
            try await Self.drain(provider, job: dryRun.id)
            provider.clock.advance(by: age)
            let finished = try #require(try await provider.dependencies.administration.bulkJobs.job(id: dryRun.id))
            #expect(importJobs.expired(finished))
            await #expect(throws: ImportJobs.Refusal.expired) { try await importJobs.confirm(dryRun.id, by: .serverOperator) }

            let browser = TestBrowser(client)
            let admin = try await Self.staff(.siteAdmin, provider)
            _ = try await browser.signInDirectly(admin.email, admin.password)
            let path = "/admin/imports/" + dryRun.id.uuidString.lowercased()
            let page = try await browser.get(path)
            #expect(!page.text.contains("import-confirm-button"), "no button to press")
            #expect(page.text.contains(#"This dry run finished more than a day ago, and the password hashes it was given are no longer kept: <a href="/admin/imports">upload the file again</a> for a new dry run to import it."#))
            // Posted anyway (a page loaded earlier, another tab): refused with what to do.
            let csrf = try #require(try await browser.get("/admin/imports").hiddenField("csrf_token"))
            let refused = try await browser.post(path + "/confirm", form: [("csrf_token", csrf)])
            #expect(refused.status == .conflict)
            #expect(refused.text.contains("This dry run finished more than a day ago, and the password hashes it was given are no longer kept. "
                                          + "Upload the file again for a new dry run, then confirm it."))

            provider.clock.advance(by: -120)
            #expect(!importJobs.expired(finished))
            let real = try await importJobs.confirm(dryRun.id, by: .serverOperator)
            #expect(real.dryRun == false, "within the day it is confirmed")
        }
    }

    @Test("argon2i from another provider verifies; a password the other provider hashed as typed (not NFKC) signs in and is rehashed in NFKC")
    func argon2AndTypedForm() async throws {
        try await withProvider { provider, browser in
            let argon = provider.uniqueEmail(), typed = provider.uniqueEmail()
            let jsonl = """
                {"external_id": "a-\(UUID().uuidString)", "email": "\(argon)", "email_verified": true, "password_hash": "$argon2i$v=19$m=1024,t=2,p=1$c29tZXNhbHR2YWx1ZTEy$N8Rx+UX2Ai+lv3kTQ8JyAH1xoUvM1ZPgoE3iFD+38TU"}
                {"external_id": "t-\(UUID().uuidString)", "email": "\(typed)", "email_verified": true, "password_hash": "$2b$04$abcdefghijklmnopqrstuubrXROadbbinlTS6hNRS3i1ZTRlUU54y"}
                """
            let report = try await Self.imports(provider).run(
                try ImportFile(kind: .users, format: .jsonl, bytes: Array(jsonl.utf8)), dryRun: false, by: .serverOperator)
            #expect(report.count(.created) == 2)
            #expect(try await browser.signInDirectly(argon, "correct horse").status == .seeOther)
            #expect(try await provider.dependencies.users.find(email: argon)?.passwordHash?.hasPrefix("$argon2id$v=19$m=256,t=1,p=1$") == true)
            // "Pässwörd ﬁ" as typed; its NFKC form ends in "fi".
            #expect(try await TestBrowser(browser.client).signInDirectly(typed, "Pässwörd \u{FB01}").status == .seeOther)
            #expect(try await TestBrowser(browser.client).signInDirectly(typed, "Pässwörd fi").status == .seeOther,
                    "the rehash is of the NFKC form, as Gatehouse's own hashes are")
        }
    }

    // MARK: - Users, by external id

    @Test("a second import of the same source updates the account instead of making another; an email of an account not imported is skipped")
    func rerunUpdates() async throws {
        try await withProvider { provider, _ in
            let email = provider.uniqueEmail(), existing = try await provider.makeUser()
            let id = "ext-" + UUID().uuidString
            let jobs = Self.importJobs(provider)
            func run(_ csv: String, dryRun: Bool = false) async throws -> [String] {
                let job = try await jobs.start(try ImportFile(kind: .users, format: .csv, bytes: Array(csv.utf8)), source: "auth0",
                                               dryRun: dryRun, by: .serverOperator)
                try await Self.drain(provider, job: job.id)
                return try await Self.reasons(provider, job)
            }
            let first = "external_id,email,name\n\(id),\(email),Ada\nother-\(id),\(existing.email),Bob\n"
            #expect(try await run(first, dryRun: true) == [
                "done: line 2 · \(email): would create",
                "skipped: line 3 · \(existing.email): would skip. The email belongs to an account that was not imported as this external_id from auth0."])
            #expect(try await provider.dependencies.users.find(email: email) == nil, "a dry run changes nothing")
            #expect(try await run(first) == [
                "done: line 2 · \(email): created",
                "skipped: line 3 · \(existing.email): skipped. The email belongs to an account that was not imported as this external_id from auth0."])
            let created = try #require(try await provider.dependencies.users.find(email: email))
            #expect(created.name == "Ada")
            #expect(try await run(first) == [
                "skipped: line 2 · \(email): skipped. Already up to date.",
                "skipped: line 3 · \(existing.email): skipped. The email belongs to an account that was not imported as this external_id from auth0."])
            #expect(try await run("external_id,email,name\n\(id),\(email),Ada Lovelace\n") == ["done: line 2 · \(email): updated. Changed: name."])
            let updated = try #require(try await provider.dependencies.users.find(email: email))
            #expect(updated.id == created.id && updated.name == "Ada Lovelace")
            #expect(try await provider.dependencies.administration.externalIdentities.userID(source: "auth0", externalID: id) == created.id)
            // Another source is another key: the same id there is another person, refused by the email.
            #expect(try await provider.dependencies.administration.externalIdentities.userID(source: "okta", externalID: id) == nil)
            let events = try await provider.dependencies.administration.reader.auditEvents(subject: created.id, limit: 10)
            #expect(events.map(\.event.type.rawValue).prefix(2) == ["user_import_updated", "user_imported"])

            // An erasure takes the external id with the rest of the personal data.
            try await SharedServices(provider.dependencies).userLifecycle.erase(userID: created.id, by: .serverOperator)
            #expect(try await provider.dependencies.administration.externalIdentities.userID(source: "auth0", externalID: id) == nil)
            // And the jobs' rows and results of the address: nothing of it is left in them.
            let left = try await TestServices.postgres().query(
                "SELECT count(*) AS n FROM bulk_job_items WHERE position($1 in payload::text) > 0 OR position($1 in coalesce(reason, '')) > 0",
                [.text(email)]).rows.first?.int("n")
            #expect(left == 0)
        }
    }

    // MARK: - The API

    @Test("POST /api/v1/imports: invitations from CSV with one bad row, a dry run then the import; the bad row's reason; mail sent to the others")
    func apiInvitations() async throws {
        try await withProvider { provider, browser in
            let admin = try await Self.staff(.siteAdmin, provider)
            let api = APIClient(browser: browser, token: try await provider.apiToken(for: admin, client: browser.client))
            let good = provider.uniqueEmail()
            let csv = "email,name,role\r\n\(good),Ada,operator\r\nnot-an-address,Bob,operator\r\n"
            let started = try await api.call(.post, "/api/v1/imports?kind=invitations&dry_run=true", json: csv, contentType: "text/csv")
            #expect(started.status == .accepted)
            let job = try started.json()
            let id = try job.string("id")
            #expect(started.headers[.location] == "/api/v1/imports/" + id)
            #expect(job["kind"] as? String == "invitations" && job["dry_run"] as? Bool == true && job["total"] as? Int == 2)
            try await Self.drain(provider, path: id)
            let read = try await api.call(.get, "/api/v1/imports/" + id)
            #expect(read.status == .ok)
            #expect(read.text.contains(#""results":[{"line":2,"reason":"line 2 · \#(good): would create","status":"done"},{"line":3,"reason":"line 3: would skip. email is not a valid address.","status":"skipped"}]"#),
                    "\(read.text)")
            #expect(read.text.contains(#""done":1,"dry_run":true,"failed":0,"finished_at":"#))
            #expect(try await provider.lastMail(to: good) == nil, "a dry run mails nobody")

            let real = try await api.call(.post, "/api/v1/imports?kind=invitations", json: csv, contentType: "text/csv")
            let realID = try real.json().string("id")
            try await Self.drain(provider, path: realID)
            let done = try await api.call(.get, "/api/v1/imports/" + realID)
            #expect(done.text.contains(#"{"line":2,"reason":"line 2 · \#(good): created","status":"done"},{"line":3,"reason":"line 3: skipped. email is not a valid address.","status":"skipped"}"#))
            #expect(try await provider.lastMail(to: good)?.subject.isEmpty == false, "the invitation was mailed like one sent by hand")
            let again = try await api.call(.post, "/api/v1/imports", json: #"{"kind":"invitations","format":"csv","data":"email,role\n\#(good),operator\n"}"#)
            let againID = try again.json().string("id")
            try await Self.drain(provider, path: againID)
            let third = try await api.call(.get, "/api/v1/imports/" + againID)
            #expect(third.text.contains(#""reason":"line 2 · \#(good): skipped. The address already has a pending invitation there.""#))
        }
    }

    @Test("the API refuses a file as a whole: 413 over 10 MB, 415 another type, 422 not CSV; 403 users for a client_admin; 404 another's or no import")
    func apiRefusals() async throws {
        try await withProvider { provider, browser in
            let admin = try await Self.staff(.siteAdmin, provider)
            let api = APIClient(browser: browser, token: try await provider.apiToken(for: admin, client: browser.client))
            let big = "email,role\n" + String(repeating: "a", count: ImportFile.maximumBytes - 11 + 1)
            let tooLarge = try await api.call(.post, "/api/v1/imports?kind=invitations", json: big, contentType: "text/csv")
            #expect(tooLarge.status == .contentTooLarge)
            #expect(tooLarge.text == #"{"detail":"The file is larger than 10 MB; split it into smaller files.","status":413,"title":"Content too large","type":"urn:gatehouse:problem:file-too-large"}"#)
            let plain = try await api.call(.post, "/api/v1/imports?kind=invitations", json: "email,role\n", contentType: "text/plain")
            #expect(plain.status == .unsupportedMediaType)
            #expect(plain.text == #"{"detail":"send the file as text/csv or application/jsonl, or as the field data of an application/json body","status":415,"title":"Unsupported media type","type":"urn:gatehouse:problem:unsupported-media-type"}"#)
            let notCSV = try await api.call(.post, "/api/v1/imports?kind=invitations", json: "email,role\n\"never closed,operator\n", contentType: "text/csv")
            #expect(notCSV.status == .unprocessableContent)
            #expect(notCSV.text == #"{"detail":"The file is not CSV: the quote opened on line 2 is never closed.","status":422,"title":"Unreadable file","type":"urn:gatehouse:problem:unreadable-file"}"#)
            let noKind = try await api.call(.post, "/api/v1/imports", json: "email,role\n", contentType: "text/csv")
            #expect(noKind.status == .badRequest)
            let both = try await api.call(.post, "/api/v1/imports?kind=users", json: #"{"kind":"users","format":"csv","data":"x"}"#)
            #expect(both.status == .badRequest)

            let organization = try await provider.dependencies.organizations.organizations.create(Organization(
                id: UUID(), name: "Org " + UUID().uuidString.prefix(6), slug: "org-" + UUID().uuidString.prefix(8).lowercased(),
                status: .active, createdAt: provider.clock.now, createdBy: nil))
            let clientAdmin = try await provider.makeMember(of: organization, role: .clientAdmin)
            let theirs = APIClient(browser: TestBrowser(browser.client), token: try await provider.apiToken(for: clientAdmin, client: browser.client))
            let users = try await theirs.call(.post, "/api/v1/imports?kind=users", json: "external_id,email\n1,a@example.com\n", contentType: "text/csv")
            #expect(users.status == .forbidden)
            #expect(users.text == #"{"detail":"your role does not allow importing this kind","status":403,"title":"Forbidden","type":"urn:gatehouse:problem:forbidden"}"#)
            let mine = try await api.call(.post, "/api/v1/imports?kind=invitations&dry_run=true", json: "email,role\nx@example.com,operator\n",
                                          contentType: "text/csv")
            let path = "/api/v1/imports/" + (try mine.json().string("id"))
            #expect(try await theirs.call(.get, path).text == notFoundProblem, "another's import does not exist for a client_admin")
            #expect(try await api.call(.get, "/api/v1/imports/" + UUID().uuidString.lowercased()).text == notFoundProblem)
        }
    }

    // MARK: - The console

    /// A multipart body as a browser sends the import form.
    static func multipart(_ fields: [(String, String)], file: String?, boundary: String = "----gatehouse-test-boundary") -> (String, String) {
        var body = ""
        for (name, value) in fields {
            body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n"
        }
        if let file {
            body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"people.csv\"\r\nContent-Type: text/csv\r\n\r\n\(file)\r\n"
        }
        body += "--\(boundary)--\r\n"
        return ("multipart/form-data; boundary=\(boundary)", body)
    }

    @Test("the console: an invitation CSV with one bad row, its dry run listing the reason (escaped), then the import; CSRF; a client_admin may not import users")
    func console() async throws {
        var configured = try await TestProvider()
        configured.dependencies.administration.requireSecondFactor = false
        let provider = configured
        try await provider.application().test(.router) { client in
            let browser = TestBrowser(client)
            let admin = try await Self.staff(.siteAdmin, provider)
            _ = try await browser.signInDirectly(admin.email, admin.password)
            let form = try await browser.get("/admin/imports")
            #expect(form.status == .ok)
            #expect(form.text.contains(#"enctype="multipart/form-data""#))
            let csrf = try #require(form.hiddenField("csrf_token"))
            let good = provider.uniqueEmail()
            let csv = "email,name,role,organization\n\(good),Ada,operator,\nbad@example.com,Bob,operator,<script>x</script>\n"

            let (type, forged) = Self.multipart([("kind", "invitations"), ("format", "csv")], file: csv)
            let refused = try await browser.send("/admin/imports", method: .post, headers: [.contentType: type], body: forged)
            #expect(refused.status == .forbidden)
            #expect(refused.text.contains("This form has expired"))

            let (_, body) = Self.multipart([("csrf_token", csrf), ("kind", "invitations"), ("format", "csv"), ("source", "import")], file: csv)
            let started = try await browser.send("/admin/imports", method: .post, headers: [.contentType: type], body: body)
            #expect(started.status == .seeOther)
            let path = try #require(started.location)
            #expect(path.hasPrefix("/admin/imports/"))
            try await Self.drain(provider, path: path)
            let dryRun = try await browser.get(path)
            #expect(dryRun.text.contains("Dry run finished: nothing was changed. 1 of 2 rows would be applied, 1 skipped, 0 failed."))
            #expect(dryRun.text.contains("line 2 · \(good): would create"))
            #expect(dryRun.text.contains("line 3 · bad@example.com: would skip. No organization is named &lt;script&gt;x&lt;/script&gt;."))
            #expect(!dryRun.text.contains("<script>x"))
            #expect(try await provider.lastMail(to: good) == nil)

            let confirmToken = try #require(dryRun.hiddenField("csrf_token"))
            #expect(try await browser.post(path + "/confirm", form: []).status == .forbidden)
            let confirmed = try await browser.post(path + "/confirm", form: [("csrf_token", confirmToken)])
            #expect(confirmed.status == .seeOther)
            let importPath = try #require(confirmed.location)
            #expect(importPath != path)
            try await Self.drain(provider, path: importPath)
            let imported = try await browser.get(importPath)
            #expect(imported.text.contains("Import finished: 1 of 2 rows applied, 1 skipped, 0 failed."))
            #expect(imported.text.contains("line 2 · \(good): created"))
            #expect(try await provider.lastMail(to: good) != nil)

            // A file that is no CSV: the form again with why, nothing started.
            let (_, broken) = Self.multipart([("csrf_token", csrf), ("kind", "invitations"), ("format", "csv")], file: "email,role\n\"open\n")
            let again = try await browser.send("/admin/imports", method: .post, headers: [.contentType: type], body: broken)
            #expect(again.status == .badRequest)
            #expect(again.text.contains("The file is not CSV: the quote opened on line 2 is never closed."))

            // A client_admin is not offered the users' import, and is refused it.
            let organization = try await provider.dependencies.organizations.organizations.create(Organization(
                id: UUID(), name: "Org " + UUID().uuidString.prefix(6), slug: "org-" + UUID().uuidString.prefix(8).lowercased(),
                status: .active, createdAt: provider.clock.now, createdBy: nil))
            let clientAdmin = try await provider.makeMember(of: organization, role: .clientAdmin)
            let theirs = TestBrowser(client)
            _ = try await theirs.signInDirectly(clientAdmin.email, clientAdmin.password)
            let theirForm = try await theirs.get("/admin/imports")
            #expect(!theirForm.text.contains(#"value="users""#), "the users' import is not offered")
            let (_, users) = Self.multipart([("csrf_token", try #require(theirForm.hiddenField("csrf_token"))), ("kind", "users"), ("format", "csv")],
                                            file: "external_id,email\n1,a@example.com\n")
            #expect(try await theirs.send("/admin/imports", method: .post, headers: [.contentType: type], body: users).status == .forbidden)
            #expect(try await theirs.get(path).status == .notFound, "another's import does not exist for them")
        }
    }
}
