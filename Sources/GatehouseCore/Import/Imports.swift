import Foundation

/// The one door of every import (the console, `/api/v1/imports`, `gatehouse import`): who may
/// import which kind, the source's name, then each row through `UserImport` or
/// `InvitationImport`, in file order. A row that fails is reported and the rest go on; only a
/// store that cannot be reached ends the run (its error is thrown after the rows before it).
public struct Imports: Sendable {
    let users: UserImport
    let invitations: InvitationImport

    public init(users: UserImport, invitations: InvitationImport) {
        self.users = users
        self.invitations = invitations
    }

    public enum Refusal: Error, Sendable, Equatable {
        /// Users are imported by the platform roles; invitations by whoever may administer (403).
        case notPermitted
        /// The source is not 1–64 of a-z, 0-9, '-', '_' (422).
        case invalidSource
    }

    /// Nil when `principal` may import `kind`; else why not.
    public func refusal(_ kind: ImportKind, source: String, by principal: Principal) -> Refusal? {
        switch kind {
        case .users:
            guard UserImport.mayImport(principal) else { return .notPermitted }
            guard UserImport.isSource(source) else { return .invalidSource }
        case .invitations:
            guard ConsoleUserAccess.scope(of: principal.roles) != nil else { return .notPermitted }
        }
        return nil
    }

    /// One row of `kind` (for a job that runs row by row).
    public func apply(_ row: ImportFile.Row, kind: ImportKind, source: String, dryRun: Bool, by principal: Principal) async throws
        -> ImportRowResult {
        switch kind {
        case .users: try await users.apply(row, source: source, dryRun: dryRun, by: principal)
        case .invitations: try await invitations.apply(row, dryRun: dryRun, by: principal)
        }
    }

    /// Every row of `file`, in order, each reported to `progress` as it is done.
    public func run(_ file: ImportFile, source: String = UserImport.defaultSource, dryRun: Bool, by principal: Principal,
                    progress: @Sendable (ImportRowResult) async -> Void = { _ in }) async throws -> ImportReport {
        if let refusal = refusal(file.kind, source: source, by: principal) { throw refusal }
        var results: [ImportRowResult] = []
        results.reserveCapacity(file.rows.count)
        for row in file.rows {
            let result = try await apply(row, kind: file.kind, source: source, dryRun: dryRun, by: principal)
            results.append(result)
            await progress(result)
        }
        return ImportReport(kind: file.kind, dryRun: dryRun, results: results)
    }
}
