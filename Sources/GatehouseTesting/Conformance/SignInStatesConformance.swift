import Foundation
import GatehouseCore
import Testing

/// `PendingSignInStore`'s and `VerificationStore`'s contracts (Ports/MFAStores.swift,
/// Ports/AccountStores.swift): short-lived states under a digest or ticket, gone with their TTL;
/// attempts counted per ticket; resends throttled.
public enum SignInStatesConformance {
    static let start = Date(timeIntervalSince1970: 1_800_000_000)

    static func signIn() -> PendingSignIn {
        var signIn = PendingSignIn(userID: UUID(), pendingAuthorizationID: "req", amr: ["pwd"], createdAt: start)
        signIn.emailTicket = "ticket"
        signIn.passwordFingerprint = [1, 2, 3]
        return signIn
    }

    static func challenge() -> VerificationChallenge {
        VerificationChallenge(purpose: .accountEmail, userID: UUID(), email: "ada@example.test", codeDigest: [1, 2], linkDigest: [3, 4],
                              pendingAuthorizationID: nil, createdAt: start)
    }

    public static let checks: [ConformanceCheck<EphemeralStores>] = [
        ConformanceCheck("PendingSignInStore: a state reads back under its digest until deleted; saving again replaces it") { stores async throws in
            let digest = Fixtures.digest(), state = signIn()
            #expect(try await stores.pendingSignIns.find(digest: digest) == nil)
            try await stores.pendingSignIns.save(state, digest: digest, ttl: .seconds(60))
            #expect(try await stores.pendingSignIns.find(digest: digest) == state)
            var changed = state
            changed.provenAMR = ["pwd", "otp", "mfa"]
            try await stores.pendingSignIns.save(changed, digest: digest, ttl: .seconds(60))
            #expect(try await stores.pendingSignIns.find(digest: digest) == changed)
            try await stores.pendingSignIns.delete(digest: digest)
            #expect(try await stores.pendingSignIns.find(digest: digest) == nil)
        },
        ConformanceCheck("PendingSignInStore: a state lives exactly its time to live") { stores async throws in
            let short = Fixtures.digest(), long = Fixtures.digest(), state = signIn()
            try await stores.pendingSignIns.save(state, digest: short, ttl: Fixtures.shortLife)
            try await stores.pendingSignIns.save(state, digest: long, ttl: Fixtures.longLife)
            try await stores.elapse(Fixtures.pastShortLife)
            #expect(try await stores.pendingSignIns.find(digest: short) == nil)
            #expect(try await stores.pendingSignIns.find(digest: long) == state)
        },
        ConformanceCheck("VerificationStore: a challenge reads back under its ticket; attempts count up; a new challenge starts them over") { stores async throws in
            let ticket = Fixtures.unique("ticket"), first = challenge()
            try await stores.verifications.save(first, ticket: ticket, ttl: .seconds(60))
            #expect(try await stores.verifications.challenge(ticket: ticket) == first)
            #expect(try await stores.verifications.recordAttempt(ticket: ticket, ttl: .seconds(60)) == 1)
            #expect(try await stores.verifications.recordAttempt(ticket: ticket, ttl: .seconds(60)) == 2)
            #expect(try await stores.verifications.recordAttempt(ticket: Fixtures.unique("other"), ttl: .seconds(60)) == 1, "per ticket")
            let second = challenge()
            try await stores.verifications.save(second, ticket: ticket, ttl: .seconds(60))
            #expect(try await stores.verifications.challenge(ticket: ticket) == second)
            #expect(try await stores.verifications.recordAttempt(ticket: ticket, ttl: .seconds(60)) == 1)
        },
        ConformanceCheck("VerificationStore: deleting forgets the challenge and its attempts") { stores async throws in
            let ticket = Fixtures.unique("ticket")
            try await stores.verifications.save(challenge(), ticket: ticket, ttl: .seconds(60))
            _ = try await stores.verifications.recordAttempt(ticket: ticket, ttl: .seconds(60))
            try await stores.verifications.delete(ticket: ticket)
            #expect(try await stores.verifications.challenge(ticket: ticket) == nil)
            #expect(try await stores.verifications.recordAttempt(ticket: ticket, ttl: .seconds(60)) == 1)
        },
        ConformanceCheck("VerificationStore: a challenge and its attempts live exactly their time to live") { stores async throws in
            let short = Fixtures.unique("ticket"), long = Fixtures.unique("ticket"), kept = challenge()
            try await stores.verifications.save(challenge(), ticket: short, ttl: Fixtures.shortLife)
            _ = try await stores.verifications.recordAttempt(ticket: short, ttl: Fixtures.shortLife)
            try await stores.verifications.save(kept, ticket: long, ttl: Fixtures.longLife)
            _ = try await stores.verifications.recordAttempt(ticket: long, ttl: Fixtures.longLife)
            try await stores.elapse(Fixtures.pastShortLife)
            #expect(try await stores.verifications.challenge(ticket: short) == nil)
            #expect(try await stores.verifications.recordAttempt(ticket: short, ttl: Fixtures.longLife) == 1, "the count went with it")
            #expect(try await stores.verifications.challenge(ticket: long) == kept)
            #expect(try await stores.verifications.recordAttempt(ticket: long, ttl: Fixtures.longLife) == 2)
        },
        ConformanceCheck("VerificationStore: allowOnce is true once per interval and key") { stores async throws in
            let short = Fixtures.unique("resend"), long = Fixtures.unique("resend")
            #expect(try await stores.verifications.allowOnce(key: short, per: Fixtures.shortLife))
            #expect(try await stores.verifications.allowOnce(key: long, per: Fixtures.longLife))
            #expect(try await stores.verifications.allowOnce(key: long, per: Fixtures.longLife) == false)
            try await stores.elapse(Fixtures.pastShortLife)
            #expect(try await stores.verifications.allowOnce(key: short, per: Fixtures.longLife), "its interval ended")
            #expect(try await stores.verifications.allowOnce(key: long, per: Fixtures.longLife) == false, "its interval goes on")
        },
    ]
}
