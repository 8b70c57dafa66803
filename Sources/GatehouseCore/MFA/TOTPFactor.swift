import Foundation

/// Enrols and checks a user's authenticator app (RFC 6238). The secret is 20 random bytes,
/// sealed at rest (`SecretSealer`, bound to the user); an enrolment counts only once a first
/// code proves the app has it; and each accepted code's time step is recorded with a
/// compare-and-set, so a code (or an older one) is never accepted twice, not even by two
/// requests racing each other (RFC 6238 §5.2).
///
/// An enrolment in progress is named by its id, which only the place that started it keeps (the
/// pending sign-in, or the account page's form): a secret started elsewhere — on the account
/// page, by an earlier sign-in, by whoever knew the password — is never shown or confirmed in
/// its place. It lasts `enrolmentLifetime` (15 minutes), and confirming or turning on any
/// factor discards every other unconfirmed one (`MFACredentialStore`).
public struct TOTPFactor: Sendable {
    let credentials: any MFACredentialStore
    let sealer: any SecretSealer
    let crypto: any CryptoPrimitives
    let clock: any Clock
    let enrolmentLifetime: Duration
    public init(credentials: any MFACredentialStore, sealer: any SecretSealer, crypto: any CryptoPrimitives, clock: any Clock,
                enrolmentLifetime: Duration = MFASettings().enrolmentLifetime) {
        self.credentials = credentials
        self.sealer = sealer
        self.crypto = crypto
        self.clock = clock
        self.enrolmentLifetime = enrolmentLifetime
    }
    public enum Outcome: Sendable, Equatable {
        case accepted
        /// Wrong, outside the window, or already used.
        case refused
        case notEnrolled
    }
    /// A secret waiting for its first code, and the id that names it.
    public struct Enrolment: Sendable, Equatable {
        public let id: UUID
        public let secret: [UInt8]
    }
    /// A new secret waiting for its first code (any earlier unconfirmed one is replaced).
    public func startEnrolment(userID: UUID) async throws -> Enrolment {
        let secret = crypto.randomBytes(TOTP.secretLength)
        let credential = MFACredential(id: UUID(), userID: userID, kind: .totp,
                                       sealedSecret: try sealer.seal(secret, associatedData: Self.binding(userID)),
                                       lastUsedStep: nil, createdAt: clock.now, confirmedAt: nil)
        try await credentials.saveUnconfirmed(credential)
        return Enrolment(id: credential.id, secret: secret)
    }
    /// The enrolment `id` of this user, for showing it again: nil when it was replaced,
    /// confirmed, discarded or is older than its lifetime.
    public func pendingEnrolment(userID: UUID, id: UUID) async throws -> Enrolment? {
        guard let pending = try await pending(userID: userID, id: id) else { return nil }
        return Enrolment(id: pending.id, secret: try secret(of: pending))
    }
    /// Confirms the enrolment `id` with a first code; false when the code is wrong or the
    /// enrolment is gone (replaced, discarded, expired).
    public func confirmEnrolment(userID: UUID, id: UUID, code: String) async throws -> Bool {
        guard let pending = try await pending(userID: userID, id: id),
              let step = TOTP(crypto: crypto).matchingStep(secret: try secret(of: pending), code: code, at: clock.now)
        else { return false }
        return try await credentials.confirm(id: pending.id, usedStep: step, at: clock.now)
    }
    /// Enrols and confirms at once (an operator's `gatehouse user mfa totp`): the secret goes
    /// to the person out of band.
    public func enrolConfirmed(userID: UUID) async throws -> [UInt8] {
        let enrolment = try await startEnrolment(userID: userID)
        guard try await credentials.confirm(id: enrolment.id, usedStep: nil, at: clock.now) else {
            throw StoreError.conflict("the enrolment changed while it was being confirmed")
        }
        return enrolment.secret
    }
    func pending(userID: UUID, id: UUID) async throws -> MFACredential? {
        guard let pending = try await credentials.credentials(userID: userID)
            .first(where: { $0.id == id && $0.kind == .totp && !$0.isConfirmed }) else { return nil }
        guard clock.now.timeIntervalSince(pending.createdAt) < enrolmentLifetime.timeInterval else { return nil }
        return pending
    }
    /// Checks a sign-in code against the confirmed credential and uses up its time step.
    public func verify(userID: UUID, code: String) async throws -> Outcome {
        guard let credential = try await credential(userID: userID, confirmed: true) else { return .notEnrolled }
        guard let step = TOTP(crypto: crypto).matchingStep(secret: try secret(of: credential), code: code, at: clock.now),
              step > credential.lastUsedStep ?? Int64.min,
              try await credentials.markStepUsed(id: credential.id, step: step) else { return .refused }
        return .accepted
    }

    public func isEnrolled(userID: UUID) async throws -> Bool {
        try await credential(userID: userID, confirmed: true) != nil
    }

    func credential(userID: UUID, confirmed: Bool) async throws -> MFACredential? {
        try await credentials.credentials(userID: userID).first { $0.kind == .totp && $0.isConfirmed == confirmed }
    }

    func secret(of credential: MFACredential) throws -> [UInt8] {
        guard let sealed = credential.sealedSecret else { throw StoreError.conflict("a TOTP credential has no secret") }
        return try sealer.open(sealed, associatedData: Self.binding(credential.userID))
    }

    /// The associated data that ties a sealed secret to its user: a secret copied onto
    /// another user's row fails to open.
    static func binding(_ userID: UUID) -> [UInt8] {
        Array("gatehouse:totp:\(userID.uuidString.lowercased())".utf8)
    }
}
