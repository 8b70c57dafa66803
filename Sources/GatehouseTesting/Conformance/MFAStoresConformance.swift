import Foundation
import GatehouseCore
import Testing

/// `MFACredentialStore`'s and `RecoveryCodeStore`'s contracts (Ports/MFAStores.swift): one
/// confirmed and one unconfirmed credential per user and kind, confirmation discarding every
/// other unconfirmed secret, time steps used once, recovery codes used once.
public enum MFAStoresConformance {
    static func unconfirmed(_ user: User, _ kind: MFACredential.Kind = .totp, at date: Date) -> MFACredential {
        MFACredential(id: UUID(), userID: user.id, kind: kind, sealedSecret: kind == .totp ? Array("sealed".utf8) : nil,
                      lastUsedStep: nil, createdAt: date, confirmedAt: nil)
    }

    public static let checks: [ConformanceCheck<DurableStores>] = [
        ConformanceCheck("MFACredentialStore: an unconfirmed credential replaces the earlier unconfirmed one of its kind only") { stores async throws in
            let user = try await Fixtures.createdUser(stores), now = user.createdAt
            let first = unconfirmed(user, at: now), email = unconfirmed(user, .email, at: now.addingTimeInterval(1))
            let second = unconfirmed(user, at: now.addingTimeInterval(2))
            try await stores.mfaCredentials.saveUnconfirmed(first)
            try await stores.mfaCredentials.saveUnconfirmed(email)
            try await stores.mfaCredentials.saveUnconfirmed(second)
            #expect(try await stores.mfaCredentials.credentials(userID: user.id) == [email, second], "oldest first")
        },
        ConformanceCheck("MFACredentialStore: confirming makes it the confirmed one of its kind and discards every other unconfirmed one") { stores async throws in
            let user = try await Fixtures.createdUser(stores), now = user.createdAt
            let old = unconfirmed(user, at: now)
            try await stores.mfaCredentials.saveUnconfirmed(old)
            #expect(try await stores.mfaCredentials.confirm(id: old.id, usedStep: 10, at: now))
            let next = unconfirmed(user, at: now.addingTimeInterval(1)), email = unconfirmed(user, .email, at: now.addingTimeInterval(2))
            try await stores.mfaCredentials.saveUnconfirmed(next)
            try await stores.mfaCredentials.saveUnconfirmed(email)
            let at = now.addingTimeInterval(3)
            #expect(try await stores.mfaCredentials.confirm(id: next.id, usedStep: 42, at: at))
            var confirmed = next
            (confirmed.confirmedAt, confirmed.lastUsedStep) = (at, 42)
            #expect(try await stores.mfaCredentials.credentials(userID: user.id) == [confirmed])
            #expect(try await stores.mfaCredentials.confirm(id: next.id, usedStep: 43, at: at) == false, "already confirmed")
            #expect(try await stores.mfaCredentials.confirm(id: email.id, usedStep: nil, at: at) == false, "discarded")
            #expect(try await stores.mfaCredentials.confirm(id: UUID(), usedStep: nil, at: at) == false)
        },
        ConformanceCheck("MFACredentialStore: a time step is used once, and only newer steps after it (compare-and-set)") { stores async throws in
            let user = try await Fixtures.createdUser(stores), now = user.createdAt
            let credential = unconfirmed(user, at: now)
            try await stores.mfaCredentials.saveUnconfirmed(credential)
            #expect(try await stores.mfaCredentials.markStepUsed(id: credential.id, step: 5) == false, "not while unconfirmed")
            #expect(try await stores.mfaCredentials.confirm(id: credential.id, usedStep: nil, at: now))
            #expect(try await stores.mfaCredentials.markStepUsed(id: credential.id, step: 100))
            #expect(try await stores.mfaCredentials.markStepUsed(id: credential.id, step: 100) == false)
            #expect(try await stores.mfaCredentials.markStepUsed(id: credential.id, step: 99) == false)
            #expect(try await stores.mfaCredentials.markStepUsed(id: credential.id, step: 101))
            #expect(try await stores.mfaCredentials.credentials(userID: user.id).first?.lastUsedStep == 101)
            let results = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<8 { group.addTask { try await stores.mfaCredentials.markStepUsed(id: credential.id, step: 200) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(results.filter { $0 }.count == 1, "of parallel uses of one code exactly one succeeds")
        },
        ConformanceCheck("MFACredentialStore: enabling a factor without a secret adds it once and discards unconfirmed secrets") { stores async throws in
            let user = try await Fixtures.createdUser(stores), now = user.createdAt
            try await stores.mfaCredentials.saveUnconfirmed(unconfirmed(user, at: now))
            #expect(try await stores.mfaCredentials.enableWithoutSecret(userID: user.id, kind: .email, at: now))
            let credentials = try await stores.mfaCredentials.credentials(userID: user.id)
            #expect(credentials.count == 1)
            #expect(credentials.first?.kind == .email)
            #expect(credentials.first?.confirmedAt == now)
            #expect(credentials.first?.sealedSecret == nil)
            try await stores.mfaCredentials.saveUnconfirmed(unconfirmed(user, at: now.addingTimeInterval(1)))
            #expect(try await stores.mfaCredentials.enableWithoutSecret(userID: user.id, kind: .email, at: now) == false, "already on")
            #expect(try await stores.mfaCredentials.credentials(userID: user.id) == credentials,
                    "the unconfirmed secret is discarded even so")
        },
        ConformanceCheck("MFACredentialStore: removing a kind removes its credentials; removing all removes every one") { stores async throws in
            let user = try await Fixtures.createdUser(stores), now = user.createdAt
            let totp = unconfirmed(user, at: now)
            try await stores.mfaCredentials.saveUnconfirmed(totp)
            _ = try await stores.mfaCredentials.confirm(id: totp.id, usedStep: nil, at: now)
            _ = try await stores.mfaCredentials.enableWithoutSecret(userID: user.id, kind: .email, at: now)
            #expect(try await stores.mfaCredentials.remove(userID: user.id, kind: .totp))
            #expect(try await stores.mfaCredentials.remove(userID: user.id, kind: .totp) == false)
            #expect(try await stores.mfaCredentials.credentials(userID: user.id).map(\.kind) == [.email])
            try await stores.mfaCredentials.removeAll(userID: user.id)
            #expect(try await stores.mfaCredentials.credentials(userID: user.id) == [])
        },
        ConformanceCheck("RecoveryCodeStore: each code works once, for its own user; replacing starts a new set") { stores async throws in
            let user = try await Fixtures.createdUser(stores), other = try await Fixtures.createdUser(stores), now = user.createdAt
            let codes = (0..<3).map { _ in Fixtures.digest() }
            try await stores.recoveryCodes.replace(userID: user.id, digests: codes, at: now)
            #expect(try await stores.recoveryCodes.remaining(userID: user.id) == 3)
            #expect(try await stores.recoveryCodes.consume(userID: other.id, digest: codes[0], at: now) == false)
            #expect(try await stores.recoveryCodes.consume(userID: user.id, digest: codes[0], at: now))
            #expect(try await stores.recoveryCodes.consume(userID: user.id, digest: codes[0], at: now) == false)
            #expect(try await stores.recoveryCodes.consume(userID: user.id, digest: Fixtures.digest(), at: now) == false)
            #expect(try await stores.recoveryCodes.remaining(userID: user.id) == 2)
            let fresh = [Fixtures.digest()]
            try await stores.recoveryCodes.replace(userID: user.id, digests: fresh, at: now)
            #expect(try await stores.recoveryCodes.consume(userID: user.id, digest: codes[1], at: now) == false, "the old set is gone")
            #expect(try await stores.recoveryCodes.remaining(userID: user.id) == 1)
            try await stores.recoveryCodes.removeAll(userID: user.id)
            #expect(try await stores.recoveryCodes.remaining(userID: user.id) == 0)
        },
        ConformanceCheck("RecoveryCodeStore: of parallel uses of one code exactly one succeeds") { stores async throws in
            let user = try await Fixtures.createdUser(stores), code = Fixtures.digest()
            try await stores.recoveryCodes.replace(userID: user.id, digests: [code], at: user.createdAt)
            let results = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<8 { group.addTask { try await stores.recoveryCodes.consume(userID: user.id, digest: code, at: user.createdAt) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(results.filter { $0 }.count == 1)
        },
    ]
}
