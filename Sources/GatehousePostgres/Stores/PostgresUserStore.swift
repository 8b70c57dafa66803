import Foundation
public import GatehouseCore

/// Users in PostgreSQL (`users`).
public struct PostgresUserStore: UserStore {
    let pool: PostgresPool

    public init(pool: PostgresPool) { self.pool = pool }

    static let columns = "id, email, email_verified, name, given_name, family_name, picture, password_hash, created_at, updated_at, created_by"
    static let selectColumns = columns + ", password_changed_at, status, credentials_not_before"

    /// The INSERT of a new user, shared with stores that create one inside their own
    /// transaction (accepting an invitation). A verified email records when.
    static func insert(_ user: User) -> (sql: String, parameters: [PostgresValue]) {
        ("INSERT INTO users (\(columns), email_verified_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
         [.uuid(user.id), .text(user.email), .bool(user.emailVerified), .optionalText(user.name),
          .optionalText(user.givenName), .optionalText(user.familyName), .optionalText(user.picture),
          .optionalText(user.passwordHash), .timestamp(user.createdAt), .timestamp(user.updatedAt), .optionalUUID(user.createdBy),
          user.emailVerified ? .timestamp(user.createdAt) : .null])
    }

    public func create(_ user: User) async throws {
        do {
            let (sql, parameters) = Self.insert(user)
            _ = try await pool.query(sql, parameters)
        } catch let error as PostgresError where error.isUniqueViolation {
            throw StoreError.conflict("a user with this email exists")
        }
    }

    public func find(id: UUID) async throws -> User? {
        try await pool.query("SELECT \(Self.selectColumns) FROM users WHERE id = $1 AND status <> 'erased'", [.uuid(id)]).rows.first.map(Self.user)
    }

    public func find(email: String) async throws -> User? {
        try await pool.query("SELECT \(Self.selectColumns) FROM users WHERE email = $1", [.text(email)]).rows.first.map(Self.user)
    }

    public func updatePasswordHash(userID: UUID, hash: String, at date: Date) async throws {
        _ = try await pool.query("UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1",
                                 [.uuid(userID), .text(hash), .timestamp(date)])
    }

    public func changePassword(userID: UUID, hash: String, at date: Date) async throws {
        _ = try await pool.query("UPDATE users SET password_hash = $2, password_changed_at = $3, updated_at = $3 WHERE id = $1",
                                 [.uuid(userID), .text(hash), .timestamp(date)])
    }

    public func markEmailVerified(userID: UUID, at date: Date) async throws {
        _ = try await pool.query(
            "UPDATE users SET email_verified = true, email_verified_at = $2, updated_at = $2 WHERE id = $1 AND NOT email_verified",
            [.uuid(userID), .timestamp(date)])
    }

    public func changeEmail(userID: UUID, to email: String, at date: Date) async throws {
        do {
            _ = try await pool.query(
                "UPDATE users SET email = $2, email_verified = true, email_verified_at = $3, updated_at = $3 WHERE id = $1",
                [.uuid(userID), .text(email), .timestamp(date)])
        } catch let error as PostgresError where error.isUniqueViolation {
            throw StoreError.conflict("a user with this email exists")
        }
    }

    public func updateProfile(userID: UUID, name: String?, givenName: String?, familyName: String?, picture: String?,
                              at date: Date) async throws {
        _ = try await pool.query(
            "UPDATE users SET name = $2, given_name = $3, family_name = $4, picture = $5, updated_at = $6 WHERE id = $1",
            [.uuid(userID), .optionalText(name), .optionalText(givenName), .optionalText(familyName), .optionalText(picture),
             .timestamp(date)])
    }

    public func recordTermsAccepted(userID: UUID, at date: Date) async throws {
        _ = try await pool.query("UPDATE users SET terms_accepted_at = $2 WHERE id = $1", [.uuid(userID), .timestamp(date)])
    }

    static func user(_ row: PostgresRow) throws -> User {
        var user = User(id: try row.uuid("id"), email: try row.string("email"), emailVerified: try row.bool("email_verified"),
             name: try row.optionalString("name"), givenName: try row.optionalString("given_name"),
             familyName: try row.optionalString("family_name"), picture: try row.optionalString("picture"),
             passwordHash: try row.optionalString("password_hash"), createdAt: try row.date("created_at"),
             updatedAt: try row.date("updated_at"))
        user.passwordChangedAt = try row.optionalDate("password_changed_at")
        // An unknown status (a newer version's) counts as not active: it must not sign in.
        user.status = AccountStatus(rawValue: try row.string("status")) ?? .suspended
        user.credentialsNotBefore = try row.optionalDate("credentials_not_before")
        user.createdBy = try row.optionalUUID("created_by")
        return user
    }
}

extension PostgresValue {
    /// SQL NULL for nil.
    static func optionalText(_ value: String?) -> PostgresValue { value.map { .text($0) } ?? .null }
    static func optionalUUID(_ value: UUID?) -> PostgresValue { value.map { .uuid($0) } ?? .null }
    static func optionalBytes(_ value: [UInt8]?) -> PostgresValue { value.map { .bytes($0) } ?? .null }
}
