import ArgumentParser
import Foundation
import GatehouseCore
import GatehousePostgres

/// `gatehouse audit verify | list`: the operator's view of the audit trail.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "audit", abstract: "Check and read the audit trail.",
                                                    subcommands: [Verify.self, List.self])

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Recompute the audit trail's HMAC chain; exit 1 at the first broken event.",
            discussion: """
                Catches edited, inserted and deleted events anywhere but at the very end: removing the newest \
                events leaves a shorter chain that still verifies. Against that, keep the printed checkpoint \
                outside this database and pass it back later with --checkpoint: the run then also fails unless \
                that event is still there, unchanged.
                """)
        @Option(help: "A checkpoint (ID:MAC) printed by an earlier run: fail unless that event is still in the chain, unchanged.")
        var checkpoint: String?

        func validate() throws {
            if let checkpoint, AuditCheckpoint(checkpoint) == nil {
                throw ValidationError("--checkpoint must be ID:MAC as `audit verify` prints it (64 hex digits after the colon)")
            }
        }

        func run() async throws {
            let config = try loadConfiguration(requiring: [.database])
            let source = try loadAuditKeySource(config)
            let expected = checkpoint.flatMap(AuditCheckpoint.init)
            let outcome: Result<AuditVerification, AuditChainBreak> = try await withBackends(config) { backends in
                do {
                    return .success(try await backends.auditLog(source).verify(checkpoint: expected))
                } catch let broken as AuditChainBreak {
                    return .failure(broken)
                }
            }
            switch outcome {
            case .success(let intact):
                print("audit chain intact: \(intact.count) events")
                if let head = intact.head {
                    print("newest event: \(head.id)")
                    if let expected { print("checkpoint \(expected.id) confirmed") }
                    print("checkpoint: \(head)")
                    print("  (keep it outside this database: passed back later with --checkpoint, it proves that nothing")
                    print("   up to event \(head.id) was removed or changed)")
                }
            case .failure(let broken):
                FileHandle.standardError.write(Data("\(broken.description)\n".utf8))
                throw ExitCode(1)
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show the newest audit events, newest first.")
        @Option(help: "How many events to show.") var limit = 50
        @Option(help: "Only events about this user id.") var subject: String?
        @Option(help: "Only events involving this client id.") var client: String?
        @Flag(help: "Print JSON.") var json = false

        func validate() throws {
            guard (1...100_000).contains(limit) else { throw ValidationError("--limit must be from 1 to 100000") }
            if let subject, UUID(uuidString: subject) == nil { throw ValidationError("--subject must be a user id (a UUID)") }
        }

        func run() async throws {
            let config = try loadConfiguration(requiring: [.database])
            let source = try loadAuditKeySource(config)
            let records = try await withBackends(config) { backends in
                try await backends.auditLog(source).newest(limit: limit, subject: subject.flatMap(UUID.init(uuidString:)), clientID: client)
            }
            if json {
                try printJSON(records.map(ListedAuditEvent.init))
            } else {
                for record in records { print(ListedAuditEvent(record).line) }
            }
        }
    }
}

/// One audit event as `audit list` prints it.
struct ListedAuditEvent: Encodable {
    let id: Int64
    let occurredAt: String
    let type: String
    let actor: String?
    let subject: String?
    let clientID: String?
    let ip: String?
    let userAgent: String?
    let details: [String: String]

    init(_ record: AuditRecord) {
        id = record.id
        // With its personal part, where an erasure did not remove it.
        let event = record.revealedEvent
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        occurredAt = formatter.string(from: event.occurredAt)
        type = event.type.rawValue
        actor = event.actor
        subject = event.subject?.uuidString.lowercased()
        clientID = event.clientID
        ip = event.ip
        userAgent = event.userAgent
        details = event.details
    }

    var line: String {
        var parts = ["\(id)", occurredAt, type]
        if let actor { parts.append("actor=\(actor)") }
        if let subject { parts.append("subject=\(subject)") }
        if let clientID { parts.append("client=\(clientID)") }
        if let ip { parts.append("ip=\(ip)") }
        parts += details.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        return parts.joined(separator: "  ")
    }

    enum CodingKeys: String, CodingKey {
        case id, type, actor, subject, ip, details
        case occurredAt = "occurred_at"
        case clientID = "client_id"
        case userAgent = "user_agent"
    }
}
