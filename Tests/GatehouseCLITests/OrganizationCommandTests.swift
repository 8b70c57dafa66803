import Foundation
import GatehouseCore
import GatehousePostgres
import GatehouseRedis
import GatehouseTestingStack
import Testing

/// `gatehouse admin bootstrap`, `org`, `invite` and `role` as an operator runs them: exact
/// output, refusals as one sentence with a non-zero status, `--json` records. Each test runs in
/// a database of its own: bootstrap is refused once anyone holds `super_admin` anywhere in it.
@Suite("Organization, invitation and role commands")
struct OrganizationCommandTests {
    static let notMailed = "not mailed: mail is not configured (GATEHOUSE_SMTP_URL)"

    /// A scratch database with every migration, and `gatehouse` run against it.
    struct Shell {
        let url: String
        let pool: PostgresPool

        func run(_ arguments: [String], input: String? = nil, environment: [String: String] = [:]) throws -> CLI.Result {
            try CLI.run(arguments, input: input, environment: ["GATEHOUSE_DATABASE_URL": url].merging(environment) { $1 })
        }

        /// The command's JSON object; a failure says why.
        func object(_ arguments: [String]) throws -> [String: Any] {
            let result = try run(arguments + ["--json"])
            return try #require(try result.json() as? [String: Any], "\(result.output)")
        }

        func array(_ arguments: [String]) throws -> [[String: Any]] {
            let result = try run(arguments + ["--json"])
            return try #require(try result.json() as? [[String: Any]], "\(result.output)")
        }

        /// A user made at the shell; its id.
        func user(_ email: String) throws -> String {
            let created = try object(["user", "create", "--email", email, "--password", "violet-harbour-lantern-93", "--verified"])
            return try #require(created["id"] as? String)
        }
    }

    static func withShell(_ body: (Shell) async throws -> Void) async throws {
        let migrations = try FileManager.default.contentsOfDirectory(
            atPath: TestServices.repositoryRoot.appendingPathComponent("migrations").path).filter { $0.hasSuffix(".sql") }.sorted()
        try await ScratchDatabase.withURL(migrations: migrations) { url, pool in try await body(Shell(url: url, pool: pool)) }
    }

    /// The refusal a command ends with: status 1 and one line on standard error.
    static func expectRefusal(_ result: CLI.Result, _ message: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(result.status == 1, "\(result.output)", sourceLocation: sourceLocation)
        #expect(result.errors == "Error: \(message)\n", sourceLocation: sourceLocation)
        #expect(result.output == "", sourceLocation: sourceLocation)
    }

    /// The link line of an invitation's output, checked for its form; the token.
    static func token(in output: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let lines = output.split(separator: "\n", omittingEmptySubsequences: false)
        let link = try #require(lines.count > 2 ? String(lines[2]) : nil, sourceLocation: sourceLocation)
        let prefix = "  http://127.0.0.1:8080/invitations/"
        #expect(link.hasPrefix(prefix), "\(link)", sourceLocation: sourceLocation)
        let token = String(link.dropFirst(prefix.count))
        #expect(token.count == 43 && token.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }, "256 bits, base64url",
                sourceLocation: sourceLocation)
        return token
    }

    @Test("admin bootstrap --password-stdin makes the first super_admin once; the password policy applies; a second bootstrap is refused")
    func bootstrapWithPassword() async throws {
        try await Self.withShell { shell in
            let weak = try shell.run(["admin", "bootstrap", "--email", "root@example.test", "--password-stdin"], input: "short\n")
            #expect(weak.status != 0 && weak.errors.hasPrefix("Error: the password is refused:\n"), "\(weak.errors)")

            let created = try shell.run(["admin", "bootstrap", "--email", " Root@Example.TEST ", "--password-stdin", "--name", "Root Admin"],
                                        input: "violet-harbour-lantern-93\n")
            #expect(created.status == 0, "\(created.errors)")
            let id = try #require(try await PostgresUserStore(pool: shell.pool).find(email: "root@example.test")).id
            #expect(created.output == "created root@example.test as super_admin (user \(id.uuidString.lowercased()))\n")
            #expect(try await PostgresMembershipStore(pool: shell.pool).platformRole(userID: id) == .superAdmin)

            let exists = "a super_admin exists: bootstrap makes only the first one (invite people with gatehouse invite create)"
            Self.expectRefusal(try shell.run(["admin", "bootstrap", "--email", "second@example.test"]), exists)
            Self.expectRefusal(try shell.run(["admin", "bootstrap", "--email", "second@example.test", "--password-stdin"],
                                             input: "violet-harbour-lantern-93\n"), exists)
            #expect(try await PostgresUserStore(pool: shell.pool).find(email: "second@example.test") == nil)

            let audit = try shell.run(["audit", "list", "--json"])
            #expect(audit.output.contains("\"role_granted\"") && audit.output.contains("\"bootstrap\""), "\(audit.output)")
        }
    }

    @Test("admin bootstrap without a password prints a super_admin invitation link once; running it again replaces the link")
    func bootstrapByInvitation() async throws {
        try await Self.withShell { shell in
            let taken = try shell.user("taken@example.test")
            Self.expectRefusal(try shell.run(["admin", "bootstrap", "--email", "taken@example.test", "--password-stdin"],
                                             input: "violet-harbour-lantern-93\n"),
                               "an account has that address: run bootstrap without --password-stdin to print an invitation it accepts by signing in")
            #expect(!taken.isEmpty)

            let first = try shell.run(["admin", "bootstrap", "--email", "Root@Example.test"])
            #expect(first.status == 0, "\(first.errors)")
            let firstToken = try Self.token(in: first.output)
            let listed = try shell.array(["invite", "list"])
            let pending = try #require(listed.first)
            let id = try #require(pending["id"] as? String), expires = try #require(pending["expires_at"] as? String)
            #expect(first.output == """
                invited root@example.test as super_admin; invitation \(id)
                link (shown once, works until \(expires)):
                  http://127.0.0.1:8080/invitations/\(firstToken)
                \(Self.notMailed)

                """)
            #expect(pending["state"] as? String == "pending" && pending["role"] as? String == "super_admin")
            #expect(pending["organization_id"] is NSNull && pending["invited_by"] is NSNull, "made at the shell")

            let again = try shell.object(["admin", "bootstrap", "--email", "root@example.test"])
            #expect(again["state"] as? String == "pending" && again["mailed"] as? Bool == false)
            let link = try #require(again["link"] as? String)
            #expect(link.hasPrefix("http://127.0.0.1:8080/invitations/") && !link.hasSuffix(firstToken))
            let states = try shell.array(["invite", "list"]).map { "\($0["state"] ?? "")" }
            #expect(states == ["pending", "replaced"], "newest first: the old link no longer works")
        }
    }

    @Test("org create, list, show, rename and members print what they did; a taken slug or an unknown organization is refused")
    func organizations() async throws {
        try await Self.withShell { shell in
            let acme = try shell.object(["org", "create", "--name", "Acme Corp"])
            #expect(acme["slug"] as? String == "acme-corp" && acme["status"] as? String == "pending")
            #expect(acme["second_factor"] as? String == "optional" && acme["created_by"] is NSNull)
            let acmeID = try #require(acme["id"] as? String)

            let second = try shell.run(["org", "create", "--name", "Acme Corp"])
            let secondID = try #require(try shell.array(["org", "list", "--search", "acme"]).first { $0["slug"] as? String == "acme-corp-2" }?["id"] as? String)
            #expect(second.output == "created organization acme-corp-2 (\(secondID)); invite its first client_admin with "
                    + "gatehouse invite create --email E --role client_admin --organization acme-corp-2\n")
            Self.expectRefusal(try shell.run(["org", "create", "--name", "Other", "--slug", "acme-corp"]), "another organization has that slug")
            Self.expectRefusal(try shell.run(["org", "create", "--name", "Other", "--slug", "Not A Slug"]),
                               "the slug must be 1 to 63 lower-case letters, digits and inner hyphens")

            #expect(try shell.run(["org", "rename", "acme-corp", "--name", "Acme Inc"]).output == "renamed organization acme-corp to Acme Inc\n")
            #expect(try shell.run(["org", "list"]).output == """
                acme-corp-2  pending  \(secondID)  Acme Corp
                acme-corp  pending  \(acmeID)  Acme Inc

                """)
            #expect(try shell.run(["org", "show", acmeID]).output == """
                Acme Inc
                  id:             \(acmeID)
                  slug:           acme-corp
                  status:         pending
                  second factor:  optional
                  members:        none yet

                """)
            #expect(try shell.run(["org", "members", "acme-corp"]).output == "no members\n")
            #expect(try shell.run(["org", "second-factor", "acme-corp", "required", "--method", "totp"]).output
                    == "acme-corp: second factor required:totp\n")
            let policy = try shell.object(["org", "second-factor", "acme-corp", "required"])
            #expect(policy["second_factor"] as? String == "required" && policy["second_factor_methods"] as? [String] == ["email", "totp"])
            #expect(try shell.run(["org", "second-factor", "acme-corp", "off"]).output == "acme-corp: second factor off\n")
            let wrong = try shell.run(["org", "second-factor", "acme-corp", "sometimes"])
            #expect(wrong.status == 64 && wrong.errors.hasPrefix("Error: the policy must be off, optional or required\n"), "\(wrong.errors)")

            // A member (as an accepted invitation would make one), then the member commands.
            let userID = try shell.user("pat@example.test")
            try await PostgresMembershipStore(pool: shell.pool).save(
                Membership(organizationID: try #require(UUID(uuidString: acmeID)), userID: try #require(UUID(uuidString: userID)),
                           role: .clientUser, createdAt: Date(), createdBy: nil), at: Date(), by: nil)
            #expect(try shell.run(["org", "members", "acme-corp"]).output == "client_user  pat@example.test  \(userID)\n")
            #expect(try shell.run(["org", "show", "acme-corp"]).output.hasSuffix("  members:        1\n    client_user  pat@example.test  \(userID)\n"))
            #expect(try shell.run(["org", "set-role", "acme-corp", "--user", "pat@example.test", "--role", "client_admin"]).output
                    == "pat@example.test is client_admin in acme-corp\n")
            Self.expectRefusal(try shell.run(["org", "set-role", "acme-corp", "--user", "pat@example.test", "--role", "client_user"]),
                               "RoleRules do not allow this, even for the operator at the shell (who acts as super_admin)")
            let members = try shell.array(["org", "members", "acme-corp"])
            #expect(members.map { $0["role"] as? String } == ["client_admin"] && members.first?["email"] as? String == "pat@example.test")
            #expect(try shell.run(["org", "remove-member", "acme-corp", "--user", userID]).output == "removed pat@example.test from acme-corp\n")
            Self.expectRefusal(try shell.run(["org", "remove-member", "acme-corp", "--user", userID]), "no such organization, member or user")

            Self.expectRefusal(try shell.run(["org", "show", "no-such-org"]), "no such organization, member or user")
            Self.expectRefusal(try shell.run(["org", "rename", UUID().uuidString, "--name", "X"]), "no such organization, member or user")
            Self.expectRefusal(try shell.run(["org", "members", "acme-corp", "--after", "nobody@example.test"]),
                               "no user nobody@example.test (give a user id or an email address)")
        }
    }

    @Test("invite create (or send), list, resend and revoke: a new organization for a client_admin, 409s and rule refusals in words")
    func invitations() async throws {
        try await Self.withShell { shell in
            let created = try shell.run(["invite", "create", "--email", "Boss@Umbrella.test", "--role", "client_admin",
                                         "--new-organization", "Umbrella Corp"])
            #expect(created.status == 0, "\(created.errors)")
            let token = try Self.token(in: created.output)
            let invitation = try #require(try shell.array(["invite", "list"]).first)
            let id = try #require(invitation["id"] as? String), expires = try #require(invitation["expires_at"] as? String)
            #expect(created.output == """
                invited boss@umbrella.test as client_admin in Umbrella Corp (umbrella-corp, pending); invitation \(id)
                link (shown once, works until \(expires)):
                  http://127.0.0.1:8080/invitations/\(token)
                \(Self.notMailed)

                """)
            let organization = try shell.object(["org", "show", "umbrella-corp"])
            #expect((organization["organization"] as? [String: Any])?["status"] as? String == "pending", "visible before anyone accepts")

            Self.expectRefusal(try shell.run(["invite", "send", "--email", "boss@umbrella.test", "--role", "client_admin",
                                              "--organization", "umbrella-corp"]),
                               "that address has a pending invitation there: resend or revoke it (gatehouse invite list)")
            Self.expectRefusal(try shell.run(["invite", "send", "--email", "staff@umbrella.test", "--role", "client_user",
                                              "--organization", "umbrella-corp"]),
                               "RoleRules do not allow this, even for the operator at the shell (who acts as super_admin)")
            Self.expectRefusal(try shell.run(["invite", "create", "--email", "ops@example.test", "--role", "operator",
                                              "--organization", "umbrella-corp"]),
                               "site_admin and operator are invited to the platform; client_admin and client_user to an organization "
                                   + "(--organization), client_admin also to a new one (--new-organization)")
            Self.expectRefusal(try shell.run(["invite", "create", "--email", "not an address", "--role", "operator"]),
                               "that is not an email address")
            let staff = try shell.object(["invite", "send", "--email", "ops@example.test", "--role", "operator"])
            #expect(staff["role"] as? String == "operator" && staff["organization_id"] is NSNull && staff["mailed"] as? Bool == false)

            let resent = try shell.object(["invite", "resend", id])
            let newID = try #require(resent["id"] as? String)
            #expect(newID != id && resent["email"] as? String == "boss@umbrella.test" && (resent["link"] as? String)?.hasSuffix(token) == false)
            let listed = try shell.array(["invite", "list", "--organization", "umbrella-corp"])
            #expect(listed.map { $0["state"] as? String } == ["pending", "replaced"])

            #expect(try shell.run(["invite", "revoke", newID]).output == "revoked the invitation of boss@umbrella.test (\(newID))\n")
            Self.expectRefusal(try shell.run(["invite", "revoke", newID]), "the invitation is revoked, no longer pending")
            Self.expectRefusal(try shell.run(["invite", "resend", id]), "the invitation is replaced, no longer pending")
            Self.expectRefusal(try shell.run(["invite", "revoke", UUID().uuidString]), "no such invitation or organization")
            let audit = try shell.run(["audit", "list", "--json"]).output
            for event in ["organization_created", "invitation_created", "invitation_resent", "invitation_revoked"] {
                #expect(audit.contains("\"\(event)\""), "\(event) in the trail")
            }
        }
    }

    @Test("with Redis configured, an invitation revoked at the shell is announced on the live event stream, as one revoked on a page")
    func revokeAnnounced() async throws {
        let redisURL = try #require(ProcessInfo.processInfo.environment["GATEHOUSE_TEST_REDIS_URL"], "run the tests with ./dev test")
        try await Self.withShell { shell in
            let email = "announced-\(UUID().uuidString.prefix(8).lowercased())@example.test"
            let created = try shell.object(["invite", "create", "--email", email, "--role", "client_admin",
                                            "--new-organization", "Announced \(UUID().uuidString.prefix(6))"])
            let id = try #require(created["id"] as? String)
            let revoked = try shell.run(["invite", "revoke", id], environment: ["GATEHOUSE_REDIS_URL": redisURL])
            #expect(revoked.status == 0, "\(revoked.errors)")
            let events = try await RedisLiveEventBus(pool: try TestServices.redis()).events(after: .start, limit: 100_000)
            let announced = events.filter { $0.data["invitation_id"] == id }
            #expect(announced.map(\.type) == [.invitationRevoked], "\(announced)")
            #expect(announced.first?.audience == LiveEventAudience(userID: nil, platformRole: .superAdmin), "the shell's invitation: the super admins")
        }
    }

    @Test("invite create mails the invitation through the outbox when mail is configured: inviter, organization, role, link, expiry")
    func invitationMail() async throws {
        try await Self.withShell { shell in
            let environment = ProcessInfo.processInfo.environment
            let mail = ["GATEHOUSE_SMTP_URL": try #require(environment["GATEHOUSE_TEST_SMTP_URL"], "run the tests with ./dev test"),
                        "GATEHOUSE_MAIL_FROM": "Gatehouse <no-reply@example.test>",
                        "GATEHOUSE_TEMPLATES_DIR": TestServices.repositoryRoot.appendingPathComponent("templates").path,
                        "GATEHOUSE_INVITE_TTL": "86400"]
            let created = try shell.run(["invite", "create", "--email", "boss@initech.test", "--role", "client_admin",
                                         "--new-organization", "Initech"], environment: mail)
            #expect(created.status == 0, "\(created.errors)")
            #expect(created.output.hasSuffix("\nmailed to boss@initech.test\n"), "\(created.output)")
            let token = try Self.token(in: created.output)
            let invitation = try #require(try shell.array(["invite", "list"]).first)
            let createdText = try #require(invitation["created_at"] as? String), expiresText = try #require(invitation["expires_at"] as? String)
            let createdAt = try #require(ISO8601DateFormatter().date(from: createdText))
            let expiresAt = try #require(ISO8601DateFormatter().date(from: expiresText))
            #expect(expiresAt.timeIntervalSince(createdAt).rounded() == 86_400, "GATEHOUSE_INVITE_TTL")

            let rows = try await shell.pool.query("SELECT recipient, subject, text_body FROM email_outbox").rows
            #expect(rows.count == 1)
            let row = try #require(rows.first)
            #expect(try row.string("recipient") == "boss@initech.test")
            #expect(try row.string("subject") == "You are invited to join Initech on Gatehouse")
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "UTC")
            formatter.dateFormat = "yyyy-MM-dd HH:mm 'UTC'"
            #expect(try row.string("text_body") == """
                You are invited to join Initech as an administrator.

                Open this link to accept (it works until \(formatter.string(from: expiresAt))):
                http://127.0.0.1:8080/invitations/\(token)

                If you did not expect this invitation, ignore this email: nothing happens until the link is accepted.

                """)

            let bad = try shell.run(["invite", "create", "--email", "x@initech.test", "--role", "operator"],
                                    environment: ["GATEHOUSE_INVITE_TTL": "60"])
            #expect(bad.status != 0 && bad.errors.contains("GATEHOUSE_INVITE_TTL"), "\(bad.errors)")
        }
    }

    @Test("role and permission commands: define, create, rename, assign, delete in use only with --force; platform roles never leave the last super_admin")
    func roles() async throws {
        try await Self.withShell { shell in
            #expect(try shell.run(["role", "permission", "create", "reports:read", "--description", "Read reports"]).output
                    == "created permission reports:read\n")
            #expect(try shell.run(["role", "permission", "create", "billing:manage"]).output == "created permission billing:manage\n")
            Self.expectRefusal(try shell.run(["role", "permission", "create", "reports:read"]), "that permission is defined already")
            Self.expectRefusal(try shell.run(["role", "permission", "create", "Reports:Read"]),
                               "a permission is `name` or `resource:action`, each a lower-case letter then up to 62 of a-z 0-9 _ . -")
            #expect(try shell.run(["role", "permission", "list"]).output == "billing:manage\nreports:read  Read reports\n")

            let acme = try shell.object(["org", "create", "--name", "Acme"])
            let acmeID = try #require(acme["id"] as? String)
            let role = try shell.object(["role", "create", "auditor", "--organization", "acme", "--permission", "reports:read",
                                         "--permission", "billing:manage"])
            let roleID = try #require(role["id"] as? String)
            #expect(role["organization_id"] as? String == acmeID && role["permissions"] as? [String] == ["billing:manage", "reports:read"])
            Self.expectRefusal(try shell.run(["role", "create", "auditor", "--organization", "acme"]), "a role of that name exists there")
            Self.expectRefusal(try shell.run(["role", "create", "ghost", "--permission", "never:defined"]),
                               "a permission of the role is not defined (gatehouse role permission create NAME)")
            #expect(try shell.run(["role", "rename", roleID, "--name", "inspector"]).output
                    == "renamed role inspector  \(roleID)  [billing:manage reports:read]\n")
            #expect(try shell.run(["role", "list", "--organization", "acme"]).output == "inspector  \(roleID)  [billing:manage reports:read]\n")
            #expect(try shell.run(["role", "set-permissions", roleID, "--permission", "reports:read"]).output
                    == "updated role inspector  \(roleID)  [reports:read]\n")
            #expect(try shell.run(["role", "set-permissions", roleID, "--permission", "reports:read", "--permission", "billing:manage"]).output
                    == "updated role inspector  \(roleID)  [billing:manage reports:read]\n")
            #expect(try shell.run(["role", "list"]).output == "no roles\n", "no global roles yet")

            let userID = try shell.user("pat@example.test")
            Self.expectRefusal(try shell.run(["role", "assign", roleID, "--user", "pat@example.test"]),
                               "no such role, organization or user (or the user is not a member of the role's organization, or does not hold the role)")
            try await PostgresMembershipStore(pool: shell.pool).save(
                Membership(organizationID: try #require(UUID(uuidString: acmeID)), userID: try #require(UUID(uuidString: userID)),
                           role: .clientUser, createdAt: Date(), createdBy: nil), at: Date(), by: nil)
            #expect(try shell.run(["role", "assign", roleID, "--user", "pat@example.test"]).output
                    == "assigned role inspector (\(roleID)) to pat@example.test\n")
            Self.expectRefusal(try shell.run(["role", "delete", roleID]), "the role is assigned to 1 user: delete it with --force to unassign it")
            #expect(try shell.run(["role", "permission", "delete", "billing:manage"]).output == "deleted permission billing:manage\n")
            #expect(try shell.array(["role", "list", "--organization", acmeID]).first?["permissions"] as? [String] == ["reports:read"],
                    "deleting a permission takes it out of every role")
            let deleted = try shell.object(["role", "delete", roleID, "--force"])
            #expect(deleted["deleted"] as? String == "role" && deleted["id"] as? String == roleID && deleted["force"] as? Bool == true)
            #expect(try await PostgresCustomRoleStore(pool: shell.pool).assignedRoles(userID: try #require(UUID(uuidString: userID))) == [])

            let granted = try shell.object(["role", "grant", "operator", "--user", "pat@example.test"])
            #expect(granted["action"] as? String == "granted" && granted["role"] as? String == "operator" && granted["user_id"] as? String == userID)
            #expect(try shell.run(["role", "revoke", "--user", userID]).output == "pat@example.test holds no platform role now\n")
            Self.expectRefusal(try shell.run(["role", "grant", "super_admin", "--user", "pat@example.test"]),
                               "RoleRules do not allow this, even for the operator at the shell (who acts as super_admin)")

            _ = try shell.run(["admin", "bootstrap", "--email", "root@example.test", "--password-stdin"], input: "violet-harbour-lantern-93\n")
            Self.expectRefusal(try shell.run(["role", "revoke", "--user", "root@example.test"]), "that would leave nobody holding super_admin")
            Self.expectRefusal(try shell.run(["role", "delete", UUID().uuidString]),
                               "no such role, organization or user (or the user is not a member of the role's organization, or does not hold the role)")
        }
    }
}
