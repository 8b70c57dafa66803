import Foundation

/// Users from another provider (issue 11 item 4), one row at a time, for the console, the API
/// and the CLI alike.
///
/// - Who: the platform roles only (creating accounts is the platform's business); a membership a
///   row gives is checked by `RoleRules` as if the importer assigned it by hand.
/// - Keyed by `(source, external_id)`: a known id updates its account (email, name, a verified
///   email, a membership it lacks), an unknown one creates an account. An email that already
///   belongs to an account not imported under that id is skipped, never merged: linking a file's
///   row to an existing person would let whoever wrote the file take that account over.
/// - A password hash is set only on an account that has none: a re-run must not put back the
///   hash its owner replaced by signing in (the rehash) or changing their password.
/// - A dry run reads everything and changes nothing; its results say what would happen.
public struct UserImport: Sendable {
    let users: any UserStore
    let identities: any ExternalIdentityStore
    let organizations: any OrganizationStore
    let memberships: any MembershipStore
    let audit: any AuditLog
    let clock: any Clock

    public init(users: any UserStore, identities: any ExternalIdentityStore, organizations: any OrganizationStore,
                memberships: any MembershipStore, audit: any AuditLog, clock: any Clock) {
        self.users = users
        self.identities = identities
        self.organizations = organizations
        self.memberships = memberships
        self.audit = audit
        self.clock = clock
    }

    /// The source a run names when the operator names none.
    public static let defaultSource = "import"

    /// Whether `text` can name a source: 1–64 of a-z, 0-9, '-', '_'.
    public static func isSource(_ text: String) -> Bool {
        (1...64).contains(text.utf8.count) && text.utf8.allSatisfy { byte in
            ImportedPasswordHash.isDigit(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
        }
    }

    /// Whether `principal` may import users at all.
    public static func mayImport(_ principal: Principal) -> Bool { principal.roles.platformRole != nil }

    /// One row read under the rules registration applies.
    struct Entry {
        var externalID: String
        var email: String
        var name: String?
        var emailVerified: Bool?
        var passwordHash: String?
        var organization: String?
        var role: Role?
    }

    static func entry(_ fields: [String: String]) throws(ImportRowRefusal) -> Entry {
        let row = ImportFields(fields: fields)
        let externalID = try row.required("external_id", maximumLength: 256)
        let email = try row.email()
        let name = try row.name()
        let verified = try row.boolean("email_verified")
        var hash: String?
        if let text = try row.optional("password_hash", maximumLength: 512) {
            switch ImportedPasswordHash.parse(text) {
            case .success(let parsed): hash = parsed.encoded
            case .failure(let rejection): throw ImportRowRefusal(rejection.text)
            }
        }
        let organization = try row.optional("organization", maximumLength: 100)
        let role = try row.role(required: false)
        // No default: which role the importer may give there is RoleRules' to say, row by row.
        if organization != nil, role == nil { throw ImportRowRefusal("organization needs a role (client_admin or client_user)") }
        if let role {
            guard !role.isPlatformRole else { throw ImportRowRefusal("role must be client_admin or client_user (platform roles are not imported)") }
            guard organization != nil else { throw ImportRowRefusal("role needs an organization") }
        }
        return Entry(externalID: externalID, email: email, name: name, emailVerified: verified, passwordHash: hash,
                     organization: organization, role: role)
    }

    /// Applies (or, in a dry run, judges) one row.
    public func apply(_ row: ImportFile.Row, source: String, dryRun: Bool, by principal: Principal) async throws -> ImportRowResult {
        if let problem = row.problem { return .skipped(row.line, nil, "The row \(problem).") }
        let entry: Entry
        do {
            entry = try Self.entry(row.fields)
        } catch {
            let email = row.fields["email"].map(User.normalizedEmail).flatMap { EmailAddress.isPlausible($0) ? $0 : nil }
            return .skipped(row.line, email, error.text + ".")
        }
        var organizationID: UUID?
        if let reference = entry.organization, let role = entry.role {
            guard let organization = try await ImportOrganizations.find(reference, in: organizations) else {
                return .skipped(row.line, entry.email, "No organization is named \(reference.prefix(40)).")
            }
            guard RoleRules.refusal(principal.roles, .assign, RoleRules.Target(role: role, organization: organization.id)) == nil else {
                return .skipped(row.line, entry.email, "You may not give the role \(role.rawValue) in \(organization.slug).")
            }
            organizationID = organization.id
        }
        if let userID = try await identities.userID(source: source, externalID: entry.externalID) {
            return try await update(userID, with: entry, organizationID: organizationID, line: row.line, source: source,
                                    dryRun: dryRun, by: principal)
        }
        if try await users.find(email: entry.email) != nil {
            return .skipped(row.line, entry.email, "The email belongs to an account that was not imported as this external_id from \(source).")
        }
        if dryRun { return ImportRowResult(line: row.line, outcome: .created, subject: entry.email) }
        let now = clock.now
        let user = User(id: UUID(), email: entry.email, emailVerified: entry.emailVerified ?? false, name: entry.name,
                        passwordHash: entry.passwordHash, createdAt: now, updatedAt: now)
        do {
            try await identities.createUser(user, source: source, externalID: entry.externalID, by: principal.userID)
        } catch StoreError.conflict {
            // Another run or a registration took the email or the id between the reads and here.
            return .skipped(row.line, entry.email, "The email or the external_id was taken while importing; run the import again.")
        }
        if let organizationID, let role = entry.role {
            try await memberships.save(Membership(organizationID: organizationID, userID: user.id, role: role, createdAt: now,
                                                  createdBy: principal.userID), at: now, by: principal.userID)
        }
        await audit.record(AuditEvent(type: .userImported, occurredAt: now, actor: principal.auditActor, subject: user.id,
                                      details: ["source": source, "external_id": entry.externalID, "line": String(row.line),
                                                "email": entry.email]))
        return ImportRowResult(line: row.line, outcome: .created, subject: entry.email)
    }

    /// A known row: what differs is changed (or, in a dry run, listed).
    func update(_ userID: UUID, with entry: Entry, organizationID: UUID?, line: Int, source: String, dryRun: Bool,
                by principal: Principal) async throws -> ImportRowResult {
        guard let user = try await users.find(id: userID) else {
            return .skipped(line, entry.email, "The account imported as this external_id was erased.")
        }
        let held = ConsoleUserAccess.Target(
            userID: userID, platformRole: try await memberships.platformRole(userID: userID),
            organizationRoles: Dictionary(try await memberships.memberships(userID: userID).map { ($0.organizationID, $0.role) },
                                          uniquingKeysWith: max))
        if ConsoleUserAccess.refusal(principal, actingOn: held) != nil {
            return .skipped(line, entry.email, "You may not change this account.")
        }
        var changes: [String] = []
        if user.email != entry.email {
            if let other = try await users.find(email: entry.email), other.id != userID {
                return .skipped(line, entry.email, "The email belongs to another account.")
            }
            changes.append("email")
        }
        if let name = entry.name, name != user.name { changes.append("name") }
        if entry.emailVerified == true, !user.emailVerified { changes.append("email_verified") }
        if entry.passwordHash != nil, user.passwordHash == nil { changes.append("password_hash") }
        var membership: Membership?
        if let organizationID, let role = entry.role, held.organizationRoles[organizationID] == nil {
            membership = Membership(organizationID: organizationID, userID: userID, role: role, createdAt: clock.now, createdBy: principal.userID)
            changes.append("organization")
        }
        guard !changes.isEmpty else { return .skipped(line, entry.email, "Already up to date.") }
        let reason = "Changed: " + changes.joined(separator: ", ") + "."
        if dryRun { return ImportRowResult(line: line, outcome: .updated, subject: entry.email, reason: reason) }
        let now = clock.now
        if changes.contains("email") {
            do {
                try await users.changeEmail(userID: userID, to: entry.email, at: now)
            } catch StoreError.conflict {
                return .skipped(line, entry.email, "The email belongs to another account.")
            }
        }
        if changes.contains("name") {
            try await users.updateProfile(userID: userID, name: entry.name, givenName: user.givenName, familyName: user.familyName,
                                          picture: user.picture, at: now)
        }
        if changes.contains("email_verified") { try await users.markEmailVerified(userID: userID, at: now) }
        if changes.contains("password_hash"), let hash = entry.passwordHash {
            try await users.updatePasswordHash(userID: userID, hash: hash, at: now)
        }
        if let membership { try await memberships.save(membership, at: now, by: principal.userID) }
        try await identities.touch(source: source, externalID: entry.externalID, at: now, by: principal.userID)
        await audit.record(AuditEvent(type: .userImportUpdated, occurredAt: now, actor: principal.auditActor, subject: userID,
                                      details: ["source": source, "external_id": entry.externalID, "line": String(line),
                                                "changed": changes.joined(separator: ",")]))
        return ImportRowResult(line: line, outcome: .updated, subject: entry.email, reason: reason)
    }
}

/// An organization named in a row by its slug or its id.
enum ImportOrganizations {
    static func find(_ reference: String, in organizations: any OrganizationStore) async throws -> Organization? {
        if let id = UUID(uuidString: reference) { return try await organizations.find(id: id) }
        let slug = reference.lowercased()
        return OrganizationNames.isSlug(slug) ? try await organizations.find(slug: slug) : nil
    }
}
