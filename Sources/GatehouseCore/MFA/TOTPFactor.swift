import Foundation

/// Enrols and checks a user's authenticator app (RFC 6238). The secret is 20 random bytes,
/// sealed at rest (`SecretSealer`, bound to the user); an enrolment counts only once a first
/// code proves the app has it; and each accepted code's time step is recorded with a
/// compare-and-set, so a code (or an older one) is never accepted twice, not even by two
/// requests racing each other (RFC 6238 §5.2).
public struct TOTPFactor: Sendable {
    let credentials: any MFACredentialStore
    let sealer: any SecretSealer
    let crypto: any CryptoPrimitives
    let clock: any Clock

    public init(credentials: any MFACredentialStore, sealer: any SecretSealer, crypto: any CryptoPrimitives, clock: any Clock) {
        self.credentials = credentials
        self.sealer = sealer
        self.crypto = crypto
        self.clock = clock
    }

    public enum Outcome: Sendable, Equatable {
        case accepted
        /// Wrong, outside the window, or already used.
        case refused
        case notEnrolled
    }

    /// A new secret waiting for its first code (any earlier unconfirmed one is replaced).
    public func startEnrolment(userID: UUID) async throws -> [UInt8] {
        let secret = crypto.randomBytes(TOTP.secretLength)
        let credential = MFACredential(id: UUID(), userID: userID, kind: .totp,
                                       sealedSecret: try sealer.seal(secret, associatedData: Self.binding(userID)),
                                       lastUsedStep: nil, createdAt: clock.now, confirmedAt: nil)
        try await credentials.saveUnconfirmed(credential)
        return secret
    }

    /// The secret of the enrolment in progress, for showing it again.
    public func pendingSecret(userID: UUID) async throws -> [UInt8]? {
        guard let pending = try await credential(userID: userID, confirmed: false) else { return nil }
        return try secret(of: pending)
    }

    /// Confirms the enrolment in progress with a first code; false when the code is wrong.
    public func confirmEnrolment(userID: UUID, code: String) async throws -> Bool {
        guard let pending = try await credential(userID: userID, confirmed: false),
              let step = TOTP(crypto: crypto).matchingStep(secret: try secret(of: pending), code: code, at: clock.now)
        else { return false }
        return try await credentials.confirm(id: pending.id, usedStep: step, at: clock.now)
    }

    /// Enrols and confirms at once (an operator's `gatehouse user mfa totp`): the secret goes
    /// to the person out of band.
    public func enrolConfirmed(userID: UUID) async throws -> [UInt8] {
        let secret = try await startEnrolment(userID: userID)
        guard let pending = try await credential(userID: userID, confirmed: false),
              try await credentials.confirm(id: pending.id, usedStep: nil, at: clock.now) else {
            throw StoreError.conflict("the enrolment changed while it was being confirmed")
        }
        return secret
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
