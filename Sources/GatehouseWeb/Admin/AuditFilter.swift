import Foundation
import GatehouseCore

/// The filters of the audit search as they arrive in a query string, shared by the console page
/// (`/admin/audit`), its export and `GET /api/v1/audit-events`, so the three read them alike:
///
/// - `actor`: `user:<id>`, `client:<id>`, `operator` or `system`
/// - `subject`: a user id · `client`: a client id · `organization`: an organization's id or slug
/// - `type`: one event type, or several separated by commas
/// - `from`, `to`: a day (`2026-12-05`, `to` counting the whole day) or an RFC 3339 time (`to`
///   exclusive), in UTC
/// - `cursor`: where the previous page ended (opaque)
///
/// What was typed is kept to fill the form again; anything unreadable is a problem named in
/// words rather than a filter silently dropped (which would show every event instead).
struct AuditFilter: Sendable, Equatable {
    var actor = ""
    var subject = ""
    var client = ""
    var organization = ""
    var type = ""
    var from = ""
    var to = ""
    var cursor: String?

    /// The longest value read of any one field.
    static let maximumLength = 300

    static func read(_ parameters: RequestParameters) -> AuditFilter {
        func field(_ name: String) -> String {
            String((parameters[name] ?? "").trimmingCharacters(in: .whitespaces).prefix(maximumLength))
        }
        return AuditFilter(actor: field("actor"), subject: field("subject"), client: field("client"),
                           organization: field("organization"), type: field("type"), from: field("from"), to: field("to"),
                           cursor: parameters["cursor"])
    }

    /// A filter that cannot be read, in words that say what to type instead.
    struct Problem: Error, Equatable {
        let message: String
    }

    var isEmpty: Bool { [actor, subject, client, organization, type, from, to].allSatisfy(\.isEmpty) }

    /// The query; an organization slug is looked up (unknown → a problem, not every event).
    func query(organizations: any OrganizationStore, limit: Int) async throws -> AuditQuery {
        var query = AuditQuery(limit: limit)
        if !actor.isEmpty {
            guard let read = AuditActor(rawValue: actor) else {
                throw Problem(message: "“\(actor)” is not an actor: use user:<id>, client:<id>, operator or system.")
            }
            query.actor = read
        }
        if !subject.isEmpty {
            guard let id = UUID(uuidString: subject) else { throw Problem(message: "“\(subject)” is not a user id.") }
            query.subject = id
        }
        if !client.isEmpty {
            guard !client.unicodeScalars.contains(where: { $0.value < 0x20 }) else {
                throw Problem(message: "That is not a client id.")
            }
            query.clientID = client
        }
        if !organization.isEmpty {
            if let id = UUID(uuidString: organization) {
                query.organizationID = id
            } else if organization.utf8.count <= 63, let found = try await organizations.find(slug: organization.lowercased()) {
                query.organizationID = found.id
            } else {
                throw Problem(message: "No organization has the address “\(organization)”.")
            }
        }
        if !type.isEmpty {
            let names = type.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            guard names.count <= AuditQuery.maximumTypes,
                  names.allSatisfy({ name in name.utf8.count <= 64 && name.utf8.allSatisfy { $0 == UInt8(ascii: "_") || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) } })
            else { throw Problem(message: "“\(type)” is not an event type (words like sign_in_failed, separated by commas).") }
            query.types = names.map { AuditEventType($0) }
        }
        if !from.isEmpty {
            guard let time = Self.time(from, endOfDay: false) else { throw Problem(message: "“\(from)” is not a date (2026-12-05) or a time.") }
            query.from = time
        }
        if !to.isEmpty {
            guard let time = Self.time(to, endOfDay: true) else { throw Problem(message: "“\(to)” is not a date (2026-12-05) or a time.") }
            query.to = time
        }
        if let from = query.from, let to = query.to, to <= from { throw Problem(message: "The range ends before it starts.") }
        query.before = cursor.flatMap(AuditCursor.id)
        return query
    }

    /// A day (the start of it, or with `endOfDay` the start of the next) or an RFC 3339 time.
    static func time(_ text: String, endOfDay: Bool) -> Date? {
        if text.utf8.count == 10 {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "UTC")
            formatter.dateFormat = "yyyy-MM-dd"
            guard let day = formatter.date(from: text), formatter.string(from: day) == text, Self.isHeld(day) else { return nil }
            return endOfDay ? day.addingTimeInterval(86_400) : day
        }
        let plain = ISO8601DateFormatter()
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        guard let time = plain.date(from: text) ?? fractional.date(from: text), Self.isHeld(time) else { return nil }
        return time
    }

    /// Between 1970 and 9999: the trail holds nothing earlier, and PostgreSQL and the forms agree on these.
    static func isHeld(_ time: Date) -> Bool {
        time.timeIntervalSince1970 >= 0 && time.timeIntervalSince1970 < 253_402_300_800
    }

    /// The query string of the same filters at another cursor (nil: the first page).
    func parameters(cursor: String?) -> [(String, String)] {
        var parameters = [("actor", actor), ("subject", subject), ("client", client), ("organization", organization), ("type", type),
                          ("from", from), ("to", to)].filter { !$0.1.isEmpty }
        if let cursor { parameters.append(("cursor", cursor)) }
        return parameters
    }
}

/// The audit trail's words: an event's type as a phrase, and its details as one line.
enum AuditWords {
    static let phrases: [String: String] = [
        "sign_in_succeeded": "Signed in", "sign_in_failed": "Sign-in failed", "account_locked": "Account locked",
        "account_unlocked": "Account unlocked", "mfa_enrolled": "Second factor enrolled", "mfa_removed": "Second factor removed",
        "mfa_used": "Second factor used", "mfa_failed": "Second factor failed", "recovery_code_used": "Recovery code used",
        "recovery_codes_regenerated": "Recovery codes regenerated", "password_changed": "Password changed",
        "password_reset": "Password reset", "email_changed": "Email changed", "session_revoked": "Session revoked",
        "signed_out_everywhere": "Signed out everywhere", "signed_out": "Signed out", "token_reuse_detected": "Refresh token reused",
        "token_revoked": "Token revoked", "consent_granted": "Consent granted", "consent_revoked": "Consent revoked",
        "admin_action": "Administrator action", "invitation_created": "Invitation sent", "invitation_accepted": "Invitation accepted",
        "invitation_revoked": "Invitation revoked", "invitation_resent": "Invitation resent", "invitation_expired": "Invitation expired",
        "organization_created": "Organization created", "organization_updated": "Organization updated",
        "member_removed": "Member removed", "member_role_changed": "Member's role changed", "role_assigned": "Role assigned",
        "role_unassigned": "Role unassigned", "role_granted": "Role granted", "role_revoked": "Role revoked",
        "role_created": "Role created", "role_updated": "Role updated", "role_deleted": "Role deleted",
        "permission_created": "Permission created", "permission_deleted": "Permission deleted",
        "client_created": "Client created", "client_updated": "Client updated", "client_deleted": "Client deleted",
        "client_secret_rotated": "Client secret rotated", "api_key_created": "API key created", "api_key_revoked": "API key revoked",
        "api_key_refused": "API key refused", "user_suspended": "User suspended", "user_reactivated": "User reactivated",
        "user_deactivated": "User deactivated", "user_erased": "User erased", "user_exported": "User's data exported",
    ]

    /// "Sign-in failed" for `sign_in_failed`; an unknown type with its underscores as spaces.
    static func phrase(_ type: AuditEventType) -> String {
        phrases[type.rawValue] ?? type.rawValue.replacingOccurrences(of: "_", with: " ")
    }

    /// The types an administrator picks from, in words, alphabetically.
    static var choices: [(value: String, label: String)] {
        phrases.map { ($0.key, $0.value) }.sorted { $0.label < $1.label }
    }

    /// `key: value` pairs, sorted by key.
    static func details(_ details: [String: String]) -> String {
        details.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: " · ")
    }
}
