import Foundation
import GatehouseCore
import GatehouseTestingStack
import HTTPTypes
@testable import GatehouseWeb
import HummingbirdTesting
import Testing

/// Bulk jobs (issue 11 item 4) over `/api/v1/bulk-jobs` and in the console, on the real stack,
/// applied by the real worker. Serialized: the worker claims from every job in the shared
/// database, so two of these at once would apply each other's items.
@Suite("Bulk jobs over the API and in the console", .serialized)
struct BulkJobTests {
    /// Drains the worker until the job has ended (another test's worker may hold some of its items).
    static func finish(_ provider: TestProvider, _ id: UUID) async throws -> BulkJob {
        let worker = GatehouseApplication.bulkWorker(provider.dependencies, lease: 3600)
        for _ in 0..<200 {
            try await worker.drain(job: id)
            let job = try #require(try await provider.dependencies.administration.bulkJobs.job(id: id))
            if !job.status.isOpen { return job }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("the job did not finish")
        return try #require(try await provider.dependencies.administration.bulkJobs.job(id: id))
    }

    static func status(_ provider: TestProvider, _ user: TestProvider.RegisteredUser) async throws -> AccountStatus? {
        try await provider.dependencies.users.find(id: user.user.id)?.status
    }

    static func jobJSON(_ job: BulkJob) -> String {
        let parameters = job.parameters.sorted { $0.key < $1.key }.map { #""\#($0.key)":"\#($0.value)""# }.joined(separator: ",")
        let counts = job.counts
        let organization = job.organizationID.map { #""organization_id":"\#(apiID($0))","# } ?? ""
        let finished = job.finishedAt.map { #""finished_at":"\#(apiTime($0))","# } ?? ""
        return #"{"counts":{"done":\#(counts.done),"failed":\#(counts.failed),"skipped":\#(counts.skipped),"total":\#(counts.total)},"#
            + #""created_at":"\#(apiTime(job.createdAt))","dry_run":\#(job.dryRun),\#(finished)"id":"\#(apiID(job.id))","#
            + #""kind":"\#(job.kind.rawValue)",\#(organization)"parameters":{\#(parameters)},"status":"\#(job.status.rawValue)","#
            + #""updated_at":"\#(apiTime(job.updatedAt))"}"#
    }

    static func problem(_ status: Int, _ title: String, _ name: String, _ detail: String) -> String {
        #"{"detail":"\#(detail)","status":\#(status),"title":"\#(title)","type":"urn:gatehouse:problem:\#(name)"}"#
    }

    // MARK: - API

    @Test("POST /api/v1/bulk-jobs makes a dry run (202, Location), the worker reports each item, and nothing changes; its items page by keyset")
    func apiDryRun() async throws {
        try await withProvider { provider, browser in
            let (admin, api) = try await UserLifecycleTests().superAdmin(provider, browser)
            let first = try await provider.makeUser(), second = try await provider.makeUser()
            let missing = UUID()
            let made = try await api.call(.post, "/api/v1/bulk-jobs", json: #"""
                {"kind":"suspend_user","user_ids":["\#(first.subject)","\#(missing.uuidString)","\#(admin.subject)","\#(second.subject)"],"dry_run":true}
                """#)
            #expect(made.status == .accepted, "\(made.text)")
            let location = try #require(made.headers[.location])
            let id = try #require(UUID(uuidString: String(location.dropFirst("/api/v1/bulk-jobs/".count))))
            // The answer is the job as made. (Any test's worker on the shared database may have
            // started on it by now, so the stored row is compared with the answer as it was.)
            var asMade = try #require(try await provider.dependencies.administration.bulkJobs.job(id: id))
            asMade.status = .queued
            asMade.counts = BulkJobCounts(total: 4)
            asMade.updatedAt = asMade.createdAt
            asMade.finishedAt = nil
            #expect(made.text == Self.jobJSON(asMade))
            #expect(asMade.dryRun && asMade.parameters == ["selection": "ids"])

            let finished = try await Self.finish(provider, id)
            let read = try await api.call(.get, location)
            #expect(read.status == .ok)
            #expect(read.text == Self.jobJSON(finished))
            #expect(finished.counts == BulkJobCounts(total: 4, done: 2, skipped: 2))
            #expect(try await Self.status(provider, first) == .active, "a dry run changes nothing")

            let items = try await provider.dependencies.administration.bulkJobs.items(jobID: id, status: nil, after: nil, limit: 10)
            func itemJSON(_ item: BulkItem, _ user: String) -> String {
                #"{"ordinal":\#(item.ordinal),"processed_at":"\#(apiTime(item.processedAt!))","reason":"\#(item.reason!)","status":"\#(item.status.rawValue)","target":{"user_id":"\#(user)"}}"#
            }
            let firstPage = try await api.call(.get, location + "/items?limit=2")
            #expect(firstPage.text == #"{"items":[\#(itemJSON(items[0], first.subject)),\#(itemJSON(items[1], apiID(missing)))],"next":"2"}"#)
            let secondPage = try await api.call(.get, location + "/items?limit=2&cursor=2")
            #expect(secondPage.text == #"{"items":[\#(itemJSON(items[2], admin.subject)),\#(itemJSON(items[3], second.subject))]}"#)
            #expect(items.map(\.reason) == ["would suspend", "no such user", "your own account", "would suspend"])
            let skipped = try await api.call(.get, location + "/items?status=skipped")
            #expect(skipped.text == #"{"items":[\#(itemJSON(items[1], apiID(missing))),\#(itemJSON(items[2], admin.subject))]}"#)
            #expect(try await api.call(.get, location + "/items?status=maybe").text
                    == Self.problem(400, "Bad request", "bad-request", "invalid query parameter status"))
            // A finished job is not cancelled.
            #expect(try await api.call(.post, location + "/cancel").text == Self.problem(409, "Conflict", "conflict", "the job is done"))
        }
    }

    @Test("a filter suspends every member of an organization but the caller; a queued job cancels once")
    func apiFilterAndCancel() async throws {
        try await withProvider { provider, browser in
            let (admin, api) = try await UserLifecycleTests().superAdmin(provider, browser)
            let organization = try await provider.makeOrganization()
            let one = try await provider.makeMember(of: organization, role: .clientUser)
            let two = try await provider.makeMember(of: organization, role: .clientAdmin)
            let outsider = try await provider.makeUser()
            try await provider.addMember(admin.user.id, to: organization, role: .clientAdmin)
            let made = try await api.call(.post, "/api/v1/bulk-jobs",
                                          json: #"{"kind":"suspend_user","filter":{"organization_id":"\#(apiID(organization.id))"}}"#)
            #expect(made.status == .accepted, "\(made.text)")
            let id = try #require(made.headers[.location].flatMap { UUID(uuidString: String($0.suffix(36))) })
            let job = try await Self.finish(provider, id)
            #expect(job.counts == BulkJobCounts(total: 3, done: 2, skipped: 1))
            #expect(job.parameters == ["selection": "filter"])
            #expect(try await Self.status(provider, one) == .suspended)
            #expect(try await Self.status(provider, two) == .suspended)
            #expect(try await Self.status(provider, outsider) == .active)
            let events = try await provider.audit.newest(limit: 20, subject: one.user.id).map(\.event.type)
            #expect(events.filter { $0 == .userSuspended }.count == 1)

            // Made and cancelled before any worker runs: nothing is applied.
            let queued = try await api.call(.post, "/api/v1/bulk-jobs", json: #"{"kind":"reactivate_user","user_ids":["\#(one.subject)"]}"#)
            let queuedID = try #require(queued.headers[.location])
            let cancelled = try await api.call(.post, queuedID + "/cancel")
            #expect(cancelled.status == .ok)
            let queuedUUID = try #require(UUID(uuidString: String(queuedID.suffix(36))))
            let stored = try #require(try await provider.dependencies.administration.bulkJobs.job(id: queuedUUID))
            #expect(stored.status == .cancelled && cancelled.text == Self.jobJSON(stored))
            #expect(try await api.call(.post, queuedID + "/cancel").text == Self.problem(409, "Conflict", "conflict", "the job is cancelled"))
            _ = try await Self.finish(provider, stored.id)
            #expect(try await Self.status(provider, one) == .suspended, "a cancelled job's items are never applied")
        }
    }

    @Test("bad bodies get one problem each, with exact words")
    func apiBadInput() async throws {
        try await withProvider { provider, browser in
            let (_, api) = try await UserLifecycleTests().superAdmin(provider, browser)
            let user = try await provider.makeUser()
            func refused(_ json: String) async throws -> String { try await api.call(.post, "/api/v1/bulk-jobs", json: json).text }
            let bad = { (detail: String) in Self.problem(400, "Bad request", "bad-request", detail) }
            let invalid = { (detail: String) in Self.problem(422, "Invalid input", "invalid", detail) }
            #expect(try await refused(#"{"kind":"suspend_user"}"#) == bad("give exactly one of user_ids, invitation_ids and filter"))
            #expect(try await refused(#"{"kind":"suspend_user","user_ids":["\#(user.subject)"],"filter":{}}"#)
                    == bad("give exactly one of user_ids, invitation_ids and filter"))
            #expect(try await refused(#"{"kind":"launch_rockets","user_ids":["\#(user.subject)"]}"#)
                    == invalid("kind must be one of suspend_user, reactivate_user, delete_user, assign_role, remove_role, resend_invitation"))
            #expect(try await refused(#"{"kind":"Suspend","user_ids":["\#(user.subject)"]}"#) == bad("invalid value for kind"))
            #expect(try await refused(#"{"kind":"suspend_user","user_ids":[]}"#) == bad("invalid value for user_ids"))
            #expect(try await refused(#"{"kind":"suspend_user","user_ids":["nope"]}"#) == bad("invalid value for user_ids"))
            #expect(try await refused(#"{"kind":"suspend_user","filter":{"q":"  "}}"#) == bad("invalid value for filter.q"))
            #expect(try await refused(#"{"kind":"suspend_user","filter":{"mood":"x"}}"#) == bad("unknown field filter.mood"))
            #expect(try await refused(#"{"kind":"resend_invitation","user_ids":["\#(user.subject)"]}"#)
                    == invalid("that kind takes user_ids or filter; resend_invitation takes invitation_ids"))
            #expect(try await refused(#"{"kind":"assign_role","user_ids":["\#(user.subject)"],"parameters":{"role":"super_admin"}}"#)
                    == bad("invalid value for parameters.role"))
            #expect(try await refused(#"{"kind":"assign_role","user_ids":["\#(user.subject)"],"parameters":{"role":"client_user"}}"#)
                    == invalid("organization_id must be an organization's id"))
            #expect(try await refused(#"{"kind":"assign_role","user_ids":["\#(user.subject)"],"parameters":{"role":"client_user","organization_id":"\#(apiID(UUID()))"}}"#)
                    == notFoundProblem)
        }
    }

    @Test("a client_admin of another organization gets nothing of a job; a plain user may not make one; items past the caller's reach are skipped as missing")
    func apiAccess() async throws {
        try await withProvider { provider, browser in
            let mine = try await provider.makeOrganization(), theirs = try await provider.makeOrganization()
            let admin = try await provider.makeMember(of: mine, role: .clientAdmin)
            let member = try await provider.makeMember(of: mine, role: .clientUser)
            let outsider = try await provider.makeMember(of: theirs, role: .clientUser)
            let api = APIClient(browser: browser, token: try await provider.apiToken(for: admin, client: browser.client))
            let made = try await api.call(.post, "/api/v1/bulk-jobs",
                                          json: #"{"kind":"suspend_user","user_ids":["\#(member.subject)","\#(outsider.subject)"]}"#)
            let location = try #require(made.headers[.location])
            let job = try await Self.finish(provider, try #require(UUID(uuidString: String(location.suffix(36)))))
            #expect(job.counts == BulkJobCounts(total: 2, done: 1, skipped: 1))
            #expect(try await Self.status(provider, outsider) == .active)
            let reasons = try await provider.dependencies.administration.bulkJobs.items(jobID: job.id, status: nil, after: nil, limit: 5).map(\.reason)
            #expect(reasons == ["suspended", "no such user"])

            let otherAdmin = try await provider.makeMember(of: theirs, role: .clientAdmin)
            let other = APIClient(browser: browser, token: try await provider.apiToken(for: otherAdmin, client: browser.client))
            #expect(try await other.call(.get, location).text == notFoundProblem)
            #expect(try await other.call(.get, location + "/items").text == notFoundProblem)
            #expect(try await other.call(.post, location + "/cancel").text == notFoundProblem)
            let plain = APIClient(browser: browser, token: try await provider.apiToken(for: try await provider.makeUser(), client: browser.client))
            #expect(try await plain.call(.post, "/api/v1/bulk-jobs", json: #"{"kind":"suspend_user","user_ids":["\#(member.subject)"]}"#).text
                    == Self.problem(403, "Forbidden", "forbidden", "bulk jobs are for administrators"))
            #expect(try await plain.call(.get, location).text == Self.problem(403, "Forbidden", "forbidden", "bulk jobs are for administrators"))
        }
    }

    // MARK: - Console

    @Test("the console: tick two users, dry run, nothing changes; confirm, both suspended; the job pages show progress and results; CSRF required")
    func consoleDryRunThenConfirm() async throws {
        try await AdminConsoleTests.withConsole { provider, browser in
            let admin = try await AdminConsoleTests.staff(.operator, provider)
            let first = try await provider.makeUser(), second = try await provider.makeUser()
            _ = try await browser.signInDirectly(admin.email, admin.password)
            let list = try await browser.get("/admin/users?q=" + first.email)
            #expect(list.text.contains(#"<input class="pick" type="checkbox" name="user" value="\#(first.subject)" form="bulk" aria-label="Select \#(first.email)">"#))
            #expect(list.text.contains(#"<form method="post" action="/admin/jobs" id="bulk" class="bulk">"#))
            #expect(list.text.contains(#"<input type="hidden" name="filter_q" value="\#(first.email)">"#))
            let csrf = try #require(list.hiddenField("csrf_token"))
            let form = [("kind", "suspend_user"), ("user", first.subject), ("user", second.subject)]
            #expect(try await browser.post("/admin/jobs", form: form).status == .forbidden, "no CSRF token")
            let made = try await browser.post("/admin/jobs", form: [("csrf_token", csrf)] + form)
            #expect(made.status == .seeOther)
            let path = try #require(made.location)
            let dryRun = try await Self.finish(provider, try #require(UUID(uuidString: String(path.suffix(36)))))
            #expect(dryRun.dryRun && dryRun.counts == BulkJobCounts(total: 2, done: 2))
            #expect(try await Self.status(provider, first) == .active)

            let page = try await browser.get(path)
            #expect(page.status == .ok)
            #expect(page.text.contains(#"<progress id="job-progress" class="job" data-job="\#(apiID(dryRun.id))" max="2" value="2">2 of 2</progress>"#))
            #expect(page.text.contains(#"<p id="job-counts" aria-live="polite">2 done, 0 skipped, 0 failed of 2</p>"#))
            #expect(page.text.contains(#"<span class="badge ok">done</span> would suspend"#))
            #expect(page.text.contains(#"<a href="/admin/users/\#(first.subject)">\#(first.email)</a>"#), "named by address")
            #expect(page.text.contains(#"<button id="job-confirm" type="submit" class="primary">Suspend: apply for real</button>"#))
            #expect(!page.text.contains("<script>"), "a finished job needs no live script")

            let confirmed = try await browser.post(path + "/confirm", form: [("csrf_token", csrf)])
            #expect(confirmed.status == .seeOther)
            let realPath = try #require(confirmed.location)
            #expect(realPath != path)
            let realID = try #require(UUID(uuidString: String(realPath.suffix(36))))
            let open = try await browser.get(realPath)
            if try await provider.dependencies.administration.bulkJobs.job(id: realID)?.status.isOpen == true {
                #expect(open.text.contains("<script>" + JobProgressScript.text + "</script>"))
                #expect(open.text.contains(#"<button id="job-cancel" type="submit" class="small danger">Cancel the job</button>"#))
            }
            let real = try await Self.finish(provider, realID)
            #expect(!real.dryRun && real.counts == BulkJobCounts(total: 2, done: 2) && real.parameters["dry_run_id"] == apiID(dryRun.id))
            #expect(try await Self.status(provider, first) == .suspended)
            #expect(try await Self.status(provider, second) == .suspended)
            let done = try await browser.get(realPath + "?status=done")
            #expect(done.text.contains(#"<span class="badge ok">done</span> suspended"#))
            #expect(done.text.contains(#"<a href="/admin/jobs/\#(apiID(dryRun.id))">its dry run</a>"#))
            let jobs = try await browser.get("/admin/jobs")
            #expect(jobs.text.contains(#"<a href="\#(realPath)"><strong>Suspend</strong></a>"#))
            #expect(jobs.text.contains(#"<a href="\#(path)"><strong>Dry run: Suspend</strong></a>"#))
        }
    }

    @Test("the console: every user matching the filter, within the organization only; a bulk delete is confirmed only after a fresh sign-in; another organization's client_admin finds no job")
    func consoleFilterDeleteAndAccess() async throws {
        try await AdminConsoleTests.withConsole { provider, browser in
            let organization = try await provider.makeOrganization()
            let admin = try await AdminConsoleTests.staff(.operator, provider)
            let member = try await provider.makeMember(of: organization, role: .clientUser)
            let outsider = try await provider.makeUser()
            _ = try await browser.signInDirectly(admin.email, admin.password)
            let csrf = try #require(try await browser.get("/admin/users").hiddenField("csrf_token"))
            let made = try await browser.post("/admin/jobs", form: [("csrf_token", csrf), ("kind", "delete_user"), ("everyone", "1"),
                                                                     ("filter_organization", organization.slug), ("filter_q", "")])
            let path = try #require(made.location)
            let dryRun = try await Self.finish(provider, try #require(UUID(uuidString: String(path.suffix(36)))))
            let targets = try await provider.dependencies.administration.bulkJobs.items(jobID: dryRun.id, status: nil, after: nil, limit: 10)
            #expect(targets.map(\.payload) == [["user_id": member.subject]])
            #expect(targets.map(\.reason) == ["would delete"])
            let page = try await browser.get(path)
            #expect(page.text.contains("Erasing accounts cannot be undone and needs a sign-in within the last five minutes."))

            provider.clock.advance(by: 301)
            let stale = try await browser.post(path + "/confirm", form: [("csrf_token", csrf)])
            #expect(stale.status == .forbidden)
            #expect(stale.text.contains("Sign in again first"))
            #expect(try await Self.status(provider, member) == .active)
            #expect(try await Self.status(provider, outsider) == .active)

            // Nobody chosen, no action: said plainly.
            let nobody = try await browser.post("/admin/jobs", form: [("csrf_token", csrf), ("kind", "suspend_user")])
            #expect(nobody.status == .badRequest && nobody.text.contains("Tick the users to act on"))
            let noAction = try await browser.post("/admin/jobs", form: [("csrf_token", csrf), ("kind", "launch"), ("user", member.subject)])
            #expect(noAction.status == .badRequest && noAction.text.contains("Choose one of the actions in the list."))

            let otherOrganization = try await provider.makeOrganization()
            let otherAdmin = try await provider.makeMember(of: otherOrganization, role: .clientAdmin)
            let other = TestBrowser(browser.client)
            _ = try await other.signInDirectly(otherAdmin.email, otherAdmin.password)
            #expect(try await other.get(path).status == .notFound)
            #expect(!(try await other.get("/admin/jobs").text.contains(path)))
            let otherCSRF = try #require(try await other.get("/admin/users").hiddenField("csrf_token"))
            #expect(try await other.post(path + "/confirm", form: [("csrf_token", otherCSRF)]).status == .notFound)
            #expect(try await other.post(path + "/cancel", form: [("csrf_token", otherCSRF)]).status == .notFound)
        }
    }

    @Test("the console names a job's users by address only while the viewer sees them: one who left the client_admin's organization shows by id, without a link")
    func consoleNamesOnlyReachableUsers() async throws {
        try await AdminConsoleTests.withConsole { provider, browser in
            let organization = try await provider.makeOrganization()
            let admin = try await provider.makeMember(of: organization, role: .clientAdmin)
            let stays = try await provider.makeMember(of: organization, role: .clientUser)
            let leaves = try await provider.makeMember(of: organization, role: .clientUser)
            let api = APIClient(browser: browser, token: try await provider.apiToken(for: admin, client: browser.client))
            let made = try await api.call(.post, "/api/v1/bulk-jobs",
                                          json: #"{"kind":"suspend_user","dry_run":true,"user_ids":["\#(stays.subject)","\#(leaves.subject)"]}"#)
            let location = try #require(made.headers[.location])
            let id = try #require(UUID(uuidString: String(location.suffix(36))))
            #expect(try await Self.finish(provider, id).counts == BulkJobCounts(total: 2, done: 2))
            let leaver = try #require(UUID(uuidString: leaves.subject))
            #expect(try await provider.dependencies.organizations.memberships.remove(organizationID: organization.id, userID: leaver))

            _ = try await browser.signInDirectly(admin.email, admin.password)
            let page = try await browser.get("/admin/jobs/" + apiID(id))
            #expect(page.status == .ok)
            #expect(page.text.contains(#"<a href="/admin/users/\#(stays.subject)">\#(stays.email)</a>"#))
            #expect(page.text.contains(#"<span class="fine-inline">#2</span> <code>\#(leaves.subject)</code><br>"#))
            #expect(!page.text.contains(leaves.email), "no address of a user out of reach")
        }
    }

    @Test("the job page's script is the one the CSP allows")
    func scriptMatchesTemplate() throws {
        let template = try String(contentsOf: TestServices.repositoryRoot.appendingPathComponent("templates/admin_job.mustache"), encoding: .utf8)
        #expect(template.contains("<script>" + JobProgressScript.text + "</script>"))
    }
}
