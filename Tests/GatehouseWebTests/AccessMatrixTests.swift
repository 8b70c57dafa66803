import Foundation
import GatehouseCore
import GatehouseTestingStack
@testable import GatehouseWeb
import HTTPTypes
import HummingbirdTesting
import Testing

/// Who reaches what (issue 11, "Bad input and access"): every console page and every `/api/v1`
/// operation, tried by every kind of caller on the things of one organization A. Each cell is the
/// exact status due; a caller outside A (a `client_admin` of B, a user without a role) never gets
/// a byte of A back, whatever the status, and a member of A none of its people. A new API
/// operation fails the test until it has its row here; a new console page needs its row added.
@Suite("The access matrix")
struct AccessMatrixTests {
    /// The callers, in the order of a row's statuses.
    enum Caller: String, CaseIterable, Sendable {
        case noRole = "no role", member = "client_user of A", adminOfA = "client_admin of A", adminOfB = "client_admin of B"
        case operatorRole = "operator", siteAdmin = "site_admin", superAdmin = "super_admin"

        /// Nothing of A is theirs to see.
        var isOutsideA: Bool { self == .noRole || self == .adminOfB }
    }

    /// Organization A's things, made afresh for each caller (the rows change them), and the caller.
    struct World {
        let a: Organization, b: Organization
        /// A client_user of A every user operation aims at, and one the member removal takes out.
        let target: TestProvider.RegisteredUser, leaver: TestProvider.RegisteredUser
        let resent: Invitations.Issued, revoked: Invitations.Issued
        let client: Client
        let role: CustomRole
        let permission: String
        let targetKey: APIKeys.Issued
        /// A dry run of A's client_admin (a suspend of the target), and one (of the leaver) to cancel:
        /// a job is its requester's and the platform roles' (another admin of A gets 404).
        let job: BulkJob, queuedJob: BulkJob
        let caller: TestProvider.RegisteredUser

        /// What names A's things on the wire (not the permission: permissions are the platform's
        /// catalogue, defined by site admins, listed to every administrator).
        var markers: [String] {
            [a.name, a.slug, apiID(a.id), target.email, leaver.email, apiID(target.user.id), apiID(leaver.user.id),
             resent.invitation.email, revoked.invitation.email, client.id, client.name, role.name]
        }

        func fill(_ template: String) -> String {
            template.replacingOccurrences(of: "{a}", with: apiID(a.id)).replacingOccurrences(of: "{a-slug}", with: a.slug)
                .replacingOccurrences(of: "{user}", with: apiID(target.user.id)).replacingOccurrences(of: "{leaver}", with: apiID(leaver.user.id))
                .replacingOccurrences(of: "{invitation}", with: apiID(resent.invitation.id))
                .replacingOccurrences(of: "{revoked}", with: apiID(revoked.invitation.id))
                .replacingOccurrences(of: "{token}", with: resent.token).replacingOccurrences(of: "{client}", with: client.id)
                .replacingOccurrences(of: "{role}", with: apiID(role.id)).replacingOccurrences(of: "{permission}", with: permission)
                .replacingOccurrences(of: "{key}", with: apiID(targetKey.key.id)).replacingOccurrences(of: "{email}", with: target.email)
                .replacingOccurrences(of: "{job}", with: apiID(job.id)).replacingOccurrences(of: "{queued-job}", with: apiID(queuedJob.id))
        }
    }

    static func world(for caller: Caller, _ provider: TestProvider) async throws -> World {
        let tag = "m" + UUID().uuidString.prefix(8).lowercased()
        let a = try await provider.makeOrganization("Alpha \(tag)"), b = try await provider.makeOrganization("Beta \(tag)")
        let target = try await provider.makeMember(of: a, role: .clientUser, name: "Target \(tag)")
        let leaver = try await provider.makeMember(of: a, role: .clientUser, name: "Leaver \(tag)")
        // Only a client_admin invites a client_user (RoleRules): A's own sends the invitations.
        let owner = try await provider.makeMember(of: a, role: .clientAdmin, name: "Owner \(tag)")
        let root = try await provider.principal(owner.user.id)
        let resent = try await provider.invitations.invite(email: "invited-\(tag)@example.test", role: .clientUser, place: .organization(a.id), by: root)
        let revoked = try await provider.invitations.invite(email: "revoked-\(tag)@example.test", role: .clientUser, place: .organization(a.id), by: root)
        let client = Client(id: "client-\(tag)", secretDigest: provider.crypto.sha256("secret"), name: "App \(tag)",
                            redirectURIs: ["https://app.example/\(tag)/callback"], grantTypes: [.authorizationCode, .refreshToken],
                            allowedScopes: [], createdAt: provider.clock.now, organizationID: a.id)
        try await provider.dependencies.clients.create(client)
        let role = try await provider.assignCustomRole("auditor", permissions: ["read"], organization: a, to: target.user.id, tag: tag)
        let targetKey = try await provider.makeAPIKey(for: target, scopes: ["\(tag):read"])
        let jobs = JobComposition.jobs(provider.dependencies, SharedServices(provider.dependencies))
        let job = try await jobs.create(kind: BulkJobKind("suspend_user"), targets: .users([target.user.id]), dryRun: true, by: root)
        let queuedJob = try await jobs.create(kind: BulkJobKind("suspend_user"), targets: .users([leaver.user.id]), dryRun: true, by: root)
        let callerUser: TestProvider.RegisteredUser
        switch caller {
        case .noRole: callerUser = try await provider.makeUser(name: "Caller")
        case .member: callerUser = try await provider.makeMember(of: a, role: .clientUser, name: "Caller")
        case .adminOfA: callerUser = try await provider.makeMember(of: a, role: .clientAdmin, name: "Caller")
        case .adminOfB: callerUser = try await provider.makeMember(of: b, role: .clientAdmin, name: "Caller")
        case .operatorRole: callerUser = try await AdminConsoleTests.staff(.operator, provider)
        case .siteAdmin: callerUser = try await AdminConsoleTests.staff(.siteAdmin, provider)
        case .superAdmin: callerUser = try await AdminConsoleTests.staff(.superAdmin, provider)
        }
        return World(a: a, b: b, target: target, leaver: leaver, resent: resent, revoked: revoked, client: client, role: role,
                     permission: "\(tag):read", targetKey: targetKey, job: job, queuedJob: queuedJob, caller: callerUser)
    }

    /// One request and the status due for each caller (in `Caller` order). `open` rows answer
    /// anyone (the invitation link's token is the credential), so they are not checked for A's names.
    struct Row: Sendable {
        let method: HTTPRequest.Method
        let path: String
        let body: String?
        /// Per caller, the statuses due: one, or alternatives (`303/409`) where a row's answer
        /// depends on whether a bulk worker (any test's, on the shared database) finished the job.
        let due: [Set<Int>]
        var open = false

        init(_ method: HTTPRequest.Method, _ path: String, _ due: String, body: String? = nil, open: Bool = false) {
            self.method = method
            self.path = path
            self.body = body
            self.due = due.split(separator: " ").map { Set($0.split(separator: "/").compactMap { Int($0) }) }
            self.open = open
        }

        var name: String { "\(method.rawValue) \(path)" }
    }

    /// `/api/v1`, reads first, then changes, the destructive ones last (each caller has a world of
    /// their own, but one row's change is the next row's state). The statuses, in `Caller` order:
    /// no role, client_user of A, client_admin of A, client_admin of B, operator, site_admin, super_admin.
    static let apiRows: [Row] = [
        Row(.get, "/api/v1/openapi.json", "200 200 200 200 200 200 200", open: true),
        Row(.get, "/api/v1/invitations/by-token/{token}", "200 200 200 200 200 200 200", open: true),
        Row(.get, "/api/v1/invitations?organization_id={a}", "404 200 200 404 200 200 200"),
        Row(.get, "/api/v1/organizations/{a}", "404 200 200 404 200 200 200"),
        Row(.get, "/api/v1/organizations/{a}/members", "404 403 200 404 200 200 200"),
        Row(.get, "/api/v1/permissions", "403 403 200 200 200 200 200"),
        Row(.get, "/api/v1/roles?organization_id={a}", "404 403 200 404 200 200 200"),
        Row(.get, "/api/v1/roles/{role}", "404 403 200 404 200 200 200"),
        Row(.get, "/api/v1/users?organization_id={a}", "403 403 200 200 200 200 200"),
        Row(.get, "/api/v1/users/{user}", "403 403 200 404 200 200 200"),
        Row(.get, "/api/v1/users/{user}/export", "403 403 200 404 200 200 200"),
        Row(.get, "/api/v1/clients", "403 403 200 200 200 200 200"),
        Row(.get, "/api/v1/clients/{client}", "403 403 200 404 200 200 200"),
        Row(.get, "/api/v1/api-keys", "200 200 200 200 200 200 200"),
        Row(.get, "/api/v1/audit-events?organization_id={a}", "403 403 200 404 200 200 200"),
        // No import has that id (a user's): 404 for administrators, 403 for anyone else.
        Row(.get, "/api/v1/imports/{user}", "403 403 404 404 404 404 404"),
        Row(.patch, "/api/v1/organizations/{a}", "404 403 200 404 200 200 200", body: #"{"name":"Renamed"}"#),
        Row(.put, "/api/v1/organizations/{a}/members/{user}/role", "404 403 200 404 403 403 403", body: #"{"role":"client_user"}"#),
        Row(.post, "/api/v1/invitations", "404 403 201 404 403 403 403", body: #"{"email":"new-{user}@example.test","role":"client_user","organization_id":"{a}"}"#),
        Row(.post, "/api/v1/invitations/{invitation}/resend", "404 403 201 404 403 403 403"),
        Row(.post, "/api/v1/invitations/{revoked}/revoke", "404 403 200 404 403 403 403"),
        Row(.post, "/api/v1/invitations/by-token/{token}/accept", "403 403 403 403 403 403 403"),
        Row(.post, "/api/v1/permissions", "403 403 403 403 403 201 201", body: #"{"name":"{permission}.more"}"#),
        Row(.post, "/api/v1/roles", "404 403 201 404 201 201 201", body: #"{"name":"made-{user}","permissions":[],"organization_id":"{a}"}"#),
        Row(.patch, "/api/v1/roles/{role}", "404 403 200 404 200 200 200", body: #"{"name":"renamed-{user}"}"#),
        Row(.delete, "/api/v1/roles/{role}/users/{user}", "404 403 204 404 204 204 204"),
        Row(.put, "/api/v1/roles/{role}/users/{user}", "404 403 403 404 403 204 204"),
        Row(.post, "/api/v1/clients", "403 403 201 404 201 201 201", body: #"{"name":"Made","kind":"service","organization_id":"{a}"}"#),
        Row(.patch, "/api/v1/clients/{client}", "403 403 200 404 200 200 200", body: #"{"name":"Changed"}"#),
        Row(.post, "/api/v1/clients/{client}/secret", "403 403 200 404 200 200 200", body: "{}"),
        // Any administrator may start an invitations import (a dry run here); each row is judged by the rules when applied.
        Row(.post, "/api/v1/imports", "403 403 202 202 202 202 202",
            body: #"{"kind":"invitations","format":"csv","data":"email,role,organization\nimported-{user}@example.test,client_user,{a}\n","dry_run":true}"#),
        Row(.post, "/api/v1/api-keys", "201 201 201 201 201 201 201", body: #"{"name":"matrix","scopes":["gatehouse:manage"]}"#),
        Row(.delete, "/api/v1/api-keys/{key}", "404 404 404 404 404 404 404"),
        Row(.get, "/api/v1/bulk-jobs/{job}", "403 403 404 404 200 200 200"),
        Row(.get, "/api/v1/bulk-jobs/{job}/items", "403 403 404 404 200 200 200"),
        Row(.post, "/api/v1/bulk-jobs", "403 403 202 202 202 202 202", body: #"{"kind":"suspend_user","user_ids":["{user}"],"dry_run":true}"#),
        Row(.post, "/api/v1/bulk-jobs/{queued-job}/cancel", "403 403 404 404 200/409 200/409 200/409"),
        Row(.post, "/api/v1/users/{user}/suspend", "403 403 200 404 200 200 200"),
        Row(.post, "/api/v1/users/{user}/reactivate", "403 403 200 404 200 200 200"),
        Row(.post, "/api/v1/users/{user}/deactivate", "403 403 200 404 200 200 200"),
        Row(.delete, "/api/v1/organizations/{a}/members/{leaver}", "404 403 204 404 204 204 204"),
        Row(.delete, "/api/v1/clients/{client}", "403 403 204 404 204 204 204"),
        Row(.delete, "/api/v1/roles/{role}?force=true", "404 403 204 404 204 204 204"),
        Row(.delete, "/api/v1/permissions/{permission}", "403 403 403 403 403 204 204"),
        Row(.delete, "/api/v1/users/{user}", "403 403 204 404 204 204 204"),
    ]

    /// The console and the other administration pages, the same way: GET pages, then forms (with
    /// the session's CSRF token). A form a role may not use answers its page with the reason
    /// (400) when the caller may see the page, 403/404 when not.
    static let consoleRows: [Row] = [
        Row(.get, "/admin", "403 403 200 200 200 200 200"),
        Row(.get, "/admin/users?q={email}", "403 403 200 200 200 200 200"),
        Row(.get, "/admin/users/{user}", "403 403 200 404 200 200 200"),
        Row(.get, "/admin/users/{user}/export", "403 403 200 404 200 200 200"),
        Row(.get, "/admin/clients", "403 403 200 200 200 200 200"),
        Row(.get, "/admin/clients/{client}", "403 403 200 404 200 200 200"),
        Row(.get, "/admin/audit?organization={a}", "403 403 200 400 200 200 200"),
        Row(.get, "/admin/audit/export?organization={a}", "403 403 200 400 200 200 200"),
        Row(.get, "/admin/imports", "403 403 200 200 200 200 200"),
        Row(.get, "/admin/imports/{user}", "403 403 404 404 404 404 404"),
        Row(.post, "/admin/clients", "403 403 201 400 201 201 201", body: "name=Made&kind=service&organization={a-slug}"),
        Row(.post, "/admin/clients/{client}", "403 403 303 404 303 303 303", body: "revision=1&name=Changed&grant_type=authorization_code&redirect_uris=https%3A%2F%2Fapp.example%2Fcb"),
        Row(.post, "/admin/clients/{client}/secret", "403 403 200 404 200 200 200", body: "revision=2&grace_hours=0"),
        Row(.post, "/admin/users/{user}/password-reset", "403 403 303 404 303 303 303", body: ""),
        Row(.post, "/admin/users/{user}/reset-second-factors", "403 403 303 404 303 303 303", body: ""),
        Row(.post, "/admin/users/{user}/unlock", "403 403 303 404 303 303 303", body: ""),
        Row(.post, "/admin/users/{user}/sign-out-everywhere", "403 403 303 404 303 303 303", body: ""),
        Row(.post, "/admin/users/{user}/suspend", "403 403 303 404 303 303 303", body: ""),
        Row(.post, "/admin/users/{user}/reactivate", "403 403 303 404 303 303 303", body: ""),
        Row(.post, "/admin/users/{user}/deactivate", "403 403 303 404 303 303 303", body: ""),
        Row(.get, "/admin/jobs", "403 403 200 200 200 200 200"),
        Row(.get, "/admin/jobs/{job}", "403 403 404 404 200 200 200"),
        Row(.post, "/admin/jobs", "403 403 303 303 303 303 303", body: "kind=suspend_user&user={user}"),
        Row(.post, "/admin/jobs/{job}/confirm", "403 403 404 404 303/409 303/409 303/409"),
        Row(.post, "/admin/jobs/{queued-job}/cancel", "403 403 404 404 303/409 303/409 303/409"),
        // The organization's own page and the staff's people page, beside the console.
        Row(.get, "/organizations/{a-slug}", "404 403 200 404 200 200 200"),
        Row(.get, "/people", "404 404 404 404 200 200 200"),
        Row(.post, "/organizations/{a-slug}/invitations", "404 403 303 404 400 400 400", body: "email=page-{user}%40example.test&role=client_user"),
        Row(.post, "/organizations/{a-slug}/invitations/resend", "404 403 303 404 400 400 400", body: "invitation={invitation}"),
        Row(.post, "/organizations/{a-slug}/invitations/revoke", "404 403 303 404 400 400 400", body: "invitation={revoked}"),
        Row(.post, "/organizations/{a-slug}/settings", "404 403 303 404 303 303 303", body: "name=Renamed&second_factor=optional"),
        Row(.post, "/people/invitations", "404 404 404 404 303 303 303", body: "email=staff-{user}%40example.test&role=client_admin&organization_name=New+{user}"),
        Row(.post, "/admin/clients/{client}/delete", "403 403 303 404 303 303 303", body: "revision=3&confirm=yes"),
        Row(.post, "/admin/users/{user}/erase", "403 403 303 404 303 303 303", body: "confirm_email={email}"),
        // The imports form is multipart (ImportPage): a URL-encoded post carries no token it reads, so 403 for all.
        Row(.post, "/admin/imports", "403 403 403 403 403 403 403", body: "kind=invitations&format=csv"),
        Row(.post, "/admin/imports/{user}/confirm", "403 403 404 404 404 404 404", body: ""),
        // Last: a support session started here makes the browser the user's for what follows.
        Row(.post, "/admin/users/{leaver}/support-sign-in", "403 403 403 403 403 303 303", body: "reason=Reproducing+ticket+4711"),
    ]

    /// `GET /api/v1/roles/{}`: a path with its parameters unnamed, to hold rows and routes together.
    static func shape(_ method: HTTPRequest.Method, _ path: String) -> String {
        method.rawValue + " " + path.replacing(/\{[a-z_-]+\}/, with: "{}")
    }

    /// The first of A's names in an answer to a caller who may not see it. A form or search box
    /// showing back what the caller typed (`value="…"`, or quoted in a message) is their own input, not A's.
    static func leak(in text: String, request: String, _ world: World, _ caller: Caller) -> String? {
        let hidden: [String]
        switch caller {
        case .noRole, .adminOfB: hidden = world.markers
        // A member sees their organization, not its people, invitations, clients or roles.
        case .member: hidden = [world.target.email, world.leaver.email, world.resent.invitation.email, world.revoked.invitation.email,
                                world.client.id, world.client.name, world.role.name]
        default: return nil
        }
        var shown = text
        for marker in hidden where request.contains(marker) {
            shown = shown.replacingOccurrences(of: #"value="\#(marker)""#, with: "").replacingOccurrences(of: "“\(marker)”", with: "")
        }
        return hidden.first { shown.contains($0) }
    }

    @Test("every /api/v1 operation by every caller: the status due, and nothing of A to a caller outside it")
    func api() async throws {
        try await AdminConsoleTests.withConsole { provider, browser in
            let dependencies = GatehouseModules.api(provider.dependencies, SharedServices(provider.dependencies))
            let routed = Set(APIModule.operations(dependencies).map { Self.shape($0.method, $0.path) })
            let rowed = Set(Self.apiRows.map { Self.shape($0.method, String($0.path.split(separator: "?")[0])) })
            #expect(routed.subtracting(rowed).isEmpty, "operations without a row: \(routed.subtracting(rowed))")
            var seen: [String: [Int]] = [:]
            for caller in Caller.allCases {
                let world = try await Self.world(for: caller, provider)
                let api = APIClient(browser: browser, token: try await provider.apiToken(for: world.caller, client: browser.client))
                for row in Self.apiRows {
                    let response = try await api.call(row.method, world.fill(row.path), json: row.body.map(world.fill),
                                                      ifMatch: row.path.hasPrefix("/api/v1/clients/") && row.method != .get ? "*" : nil)
                    seen[row.name, default: []].append(response.status.code)
                    if !row.open, let leaked = Self.leak(in: response.text, request: world.fill(row.path) + (row.body.map(world.fill) ?? ""), world, caller) {
                        Issue.record("\(caller.rawValue) got \(leaked) of A from \(row.name): \(response.text.prefix(300))")
                    }
                }
            }
            Self.compare(seen, Self.apiRows)
        }
    }

    @Test("every console page and form by every caller: the status due, and nothing of A to a caller outside it")
    func console() async throws {
        try await AdminConsoleTests.withConsole { provider, first in
            var seen: [String: [Int]] = [:]
            for caller in Caller.allCases {
                let world = try await Self.world(for: caller, provider)
                let browser = TestBrowser(first.client)
                _ = try await browser.signInDirectly(world.caller.email, world.caller.password)
                let csrf = try #require(try await browser.get("/account").hiddenField("csrf_token"))
                for row in Self.consoleRows {
                    let path = world.fill(row.path)
                    let response: TestResponse
                    if row.method == .get {
                        response = try await browser.get(path)
                    } else {
                        let fields = (row.body.map(world.fill) ?? "").split(separator: "&").map { pair -> (String, String) in
                            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
                            return (parts[0], (parts.count > 1 ? parts[1] : "").removingPercentEncoding ?? "")
                        }
                        response = try await browser.post(path, form: [("csrf_token", csrf)] + fields)
                    }
                    seen[row.name, default: []].append(response.status.code)
                    if let leaked = Self.leak(in: response.text, request: path + (row.body.map(world.fill) ?? ""), world, caller) {
                        Issue.record("\(caller.rawValue) got \(leaked) of A from \(row.name): \(response.text.prefix(300))")
                    }
                }
            }
            Self.compare(seen, Self.consoleRows)
        }
    }

    static func compare(_ seen: [String: [Int]], _ rows: [Row]) {
        for row in rows {
            let got = seen[row.name] ?? []
            guard got.count != row.due.count || zip(got, row.due).contains(where: { !$1.contains($0) }) else { continue }
            let columns = Caller.allCases.map(\.rawValue).joined(separator: " | ")
            Issue.record("\(row.name): due \(row.due.map { $0.sorted() }), got \(got) (\(columns))")
        }
    }
}
