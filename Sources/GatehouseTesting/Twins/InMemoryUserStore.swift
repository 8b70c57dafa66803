import Foundation
import GatehouseCore

/// `UserStore` in memory, as `PostgresUserStore` behaves (`UserStoreConformance` holds both to it).
/// Emails are unique and compared exactly, as stored. `delete(id:)` is the twin of the CLI's
/// `PostgresUserStore.delete`: the stores that refer to users (`InMemoryStores`) forget the
/// user's rows with it, as `ON DELETE CASCADE` does.
public actor InMemoryUserStore: UserStore {
    var users: [UUID: User] = [:]
    /// When each user accepted the terms (the `users` row keeps it; `User` does not carry it).
    public private(set) var termsAcceptedAt: [UUID: Date] = [:]
    /// Ids of erased accounts: never given to anyone again (the tombstone row's primary key).
    var erased: Set<UUID> = []

    public init() {}

    public func create(_ user: User) async throws {
        guard users[user.id] == nil, !erased.contains(user.id), !users.values.contains(where: { $0.email == user.email }) else {
            throw StoreError.conflict("a user with this email exists")
        }
        var stored = user
        stored.passwordChangedAt = nil
        users[user.id] = stored
    }

    public func find(id: UUID) async throws -> User? { users[id] }

    public func find(email: String) async throws -> User? { users.values.first { $0.email == email } }

    public func updatePasswordHash(userID: UUID, hash: String, at date: Date) async throws {
        users[userID]?.passwordHash = hash
        users[userID]?.updatedAt = date
    }

    public func changePassword(userID: UUID, hash: String, at date: Date) async throws {
        users[userID]?.passwordHash = hash
        users[userID]?.passwordChangedAt = date
        users[userID]?.updatedAt = date
    }

    public func markEmailVerified(userID: UUID, at date: Date) async throws {
        guard users[userID]?.emailVerified == false else { return }
        users[userID]?.emailVerified = true
        users[userID]?.updatedAt = date
    }

    public func changeEmail(userID: UUID, to email: String, at date: Date) async throws {
        guard users[userID] != nil else { return }
        if users.values.contains(where: { $0.email == email && $0.id != userID }) {
            throw StoreError.conflict("a user with this email exists")
        }
        users[userID]?.email = email
        users[userID]?.emailVerified = true
        users[userID]?.updatedAt = date
    }

    public func updateProfile(userID: UUID, name: String?, givenName: String?, familyName: String?, picture: String?, at date: Date) async throws {
        guard var user = users[userID] else { return }
        user.name = name
        user.givenName = givenName
        user.familyName = familyName
        user.picture = picture
        user.updatedAt = date
        users[userID] = user
    }

    public func recordTermsAccepted(userID: UUID, at date: Date) async throws {
        guard users[userID] != nil else { return }
        termsAcceptedAt[userID] = date
    }

    /// Deletes the user; the other twins of one `InMemoryStores` drop the user's rows. True when
    /// a user went.
    public func delete(id: UUID) async throws -> Bool {
        termsAcceptedAt[id] = nil
        return users.removeValue(forKey: id) != nil
    }

    /// The status and its cut-off (`InMemoryUserLifecycleStore`).
    func setStatus(_ status: AccountStatus, of id: UUID, notBefore: Date?, at date: Date) {
        users[id]?.status = status
        if let notBefore { users[id]?.credentialsNotBefore = notBefore }
        users[id]?.updatedAt = date
    }

    /// Erases the account: it is no one from now on, and its id is never reused.
    func erase(id: UUID) {
        termsAcceptedAt[id] = nil
        users[id] = nil
        erased.insert(id)
    }

    /// The ids of every user, for the twins that refer to users.
    func ids() -> Set<UUID> { Set(users.keys) }
}
