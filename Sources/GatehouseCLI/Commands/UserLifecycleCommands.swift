import ArgumentParser
import Foundation
import GatehouseCore
import GatehouseRedis

/// `gatehouse user suspend | reactivate | deactivate | erase | export <email-or-id>`: the user
/// lifecycle from the server's shell, through the same Core service as the API and the pages
/// (`UserLifecycle`), acting as the operator (`Principal.serverOperator`, a super_admin): the
/// last active super_admin stays, and everything is audited as `operator`.
extension UserCommand {
    struct Suspend: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Suspend a user: no sign-in, and every session, refresh token and access token stops at once.")
        @Argument(help: "The user's email or id.") var user: String

        func run() async throws {
            let changed = try await withUserLifecycle { try await $0.lifecycle.suspend(userID: try await $0.user(user).id, by: .serverOperator) }
            print("suspended \(changed.id.uuidString.lowercased())")
        }
    }

    struct Reactivate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Reactivate a suspended or deactivated user (nothing revoked comes back: they sign in again).")
        @Argument(help: "The user's email or id.") var user: String

        func run() async throws {
            let changed = try await withUserLifecycle { try await $0.lifecycle.reactivate(userID: try await $0.user(user).id, by: .serverOperator) }
            print("reactivated \(changed.id.uuidString.lowercased())")
        }
    }

    struct Deactivate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Deactivate a user (as a suspension; an admin may reactivate).")
        @Argument(help: "The user's email or id.") var user: String

        func run() async throws {
            let changed = try await withUserLifecycle { try await $0.lifecycle.deactivate(userID: try await $0.user(user).id, by: .serverOperator) }
            print("deactivated \(changed.id.uuidString.lowercased())")
        }
    }

    struct Erase: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Erase a user (GDPR): their personal data goes for good; the audit trail keeps their events under their id.")
        @Argument(help: "The user's email or id.") var user: String
        @Flag(help: "Confirm: the erasure cannot be undone.") var yes = false

        func validate() throws {
            guard yes else { throw ValidationError("erasing a user cannot be undone: add --yes to confirm") }
        }

        func run() async throws {
            let id = try await withUserLifecycle { services in
                let found = try await services.user(user)
                try await services.lifecycle.erase(userID: found.id, by: .serverOperator)
                return found.id
            }
            print("erased \(id.uuidString.lowercased())")
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print everything stored about a user as one JSON document.")
        @Argument(help: "The user's email or id.") var user: String

        func run() async throws {
            let document = try await withUserLifecycle { services in
                try await services.lifecycle.export(userID: try await services.user(user).id, by: .serverOperator,
                                                    exporter: services.exporter)
            }
            print(String(decoding: try document.json(), as: UTF8.self))
        }
    }
}

/// What the lifecycle commands use, on open backends.
struct UserLifecycleServices {
    let lifecycle: UserLifecycle
    let exporter: UserExporter
    let backends: Backends

    /// The user named by id or email (erased accounts are no one).
    func user(_ reference: String) async throws -> User {
        let found = if let id = UUID(uuidString: reference) {
            try await backends.users.find(id: id)
        } else {
            try await backends.users.find(email: User.normalizedEmail(reference))
        }
        guard let found else { throw OperatorError("no user \(reference) (give a user id or an email address)") }
        return found
    }
}

/// Runs `body` with the lifecycle services; a refusal ends the command with its sentence. With
/// Redis configured (as beside `serve`) an erasure is announced on `/events` (`user.erased`).
func withUserLifecycle<T>(_ body: (UserLifecycleServices) async throws -> T) async throws -> T {
    let config = try loadConfiguration(requiring: [.database])
    let auditKey = try loadAuditKeySource(config)
    return try await withBackends(config, needsRedis: config.redisURL != nil) { backends in
        let audit = try await backends.auditLog(auditKey)
        let lifecycle = UserLifecycle(users: backends.users, memberships: backends.memberships, store: backends.lifecycle, audit: audit,
                                      clock: backends.clock,
                                      events: backends.redis.map { RedisLiveEventBus(pool: $0, clock: backends.clock) })
        let exporter = UserExporter(memberships: backends.memberships, organizations: backends.organizations,
                                    customRoles: backends.customRoles, consents: backends.consents, sessions: backends.sessions,
                                    factors: backends.mfaCredentials, lifecycle: backends.lifecycle, clock: backends.clock)
        do {
            return try await body(UserLifecycleServices(lifecycle: lifecycle, exporter: exporter, backends: backends))
        } catch let refusal as UserLifecycle.Refusal {
            throw OperatorError(UserLifecycleWords.words(refusal))
        }
    }
}

enum UserLifecycleWords {
    static func words(_ refusal: UserLifecycle.Refusal) -> String {
        switch refusal {
        case .notFound: "no such user"
        case .notPermitted: "the rules of who may administer whom do not allow this"
        case .ownAccount: "that is your own account: use /account"
        case .lastSuperAdmin: "that user holds the last active super_admin: grant super_admin to someone else first"
        case .status(let status): "the user is \(status.rawValue)"
        }
    }
}
