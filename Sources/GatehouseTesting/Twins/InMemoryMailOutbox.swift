import Foundation
import GatehouseCore

/// The email outbox in memory — `MailOutbox`, `MailQueue` and `MailboxReader` — as
/// `PostgresMailOutbox` behaves (`MailOutboxConformance`): leased claims that never overlap,
/// retries at the caller's time, rows given up after `maxAttempts` abandoned leases, and bodies
/// removed once a mail is sent or given up (unless `keepsBodies`).
public actor InMemoryMailOutbox: MailOutbox, MailQueue, MailboxReader {
    struct Row {
        let id: UUID
        let messageID: String
        let recipient: String
        var subject: String
        var textBody: String?
        var htmlBody: String?
        var redactedSubject: String?
        var status: MailDeliveryStatus = .pending
        var attempts = 0
        var nextAttemptAt: Date
        let createdAt: Date
        var lease: UUID?
        var leaseExpiresAt: Date?
        var lastError: String?
        var sentAt: Date?
    }

    public nonisolated let isEnabled: Bool
    let messageIDDomain: String
    let clock: any Clock
    let keepsBodies: Bool
    var rows: [Row] = []
    /// Every mail accepted, in order, as it was handed over (for tests that read a code or link).
    public private(set) var enqueued: [OutgoingMail] = []

    public init(isEnabled: Bool = true, messageIDDomain: String = "id.gatehouse.test", clock: any Clock, keepsBodies: Bool = false) {
        self.isEnabled = isEnabled
        self.messageIDDomain = messageIDDomain
        self.clock = clock
        self.keepsBodies = keepsBodies
    }

    public func enqueue(_ mail: OutgoingMail) async throws {
        guard isEnabled else { throw MailDisabledError() }
        try mail.validate()
        let id = UUID(), now = clock.now
        rows.append(Row(id: id, messageID: "<\(id.uuidString.lowercased())@\(messageIDDomain)>", recipient: mail.to,
                        subject: mail.subject, textBody: mail.textBody, htmlBody: mail.htmlBody,
                        redactedSubject: mail.redactedSubject, nextAttemptAt: now, createdAt: now))
        enqueued.append(mail)
    }

    /// The mails sent to `recipient` so far, oldest first.
    public func enqueued(to recipient: String) -> [OutgoingMail] {
        enqueued.filter { $0.to == recipient }
    }

    public func claim(limit: Int, leaseDuration: Duration, maxAttempts: Int, now: Date) async throws -> [QueuedMail] {
        for index in rows.indices where rows[index].status == .pending && rows[index].attempts >= maxAttempts {
            guard let expires = rows[index].leaseExpiresAt, expires <= now else { continue }
            rows[index].status = .failed
            rows[index].lastError = "gave up after \(rows[index].attempts) attempts; the last sender stopped without reporting "
                + "(lease expired)" + (rows[index].lastError.map { ": " + $0 } ?? "")
            release(index)
            removeBodies(index, at: now)
        }
        let lease = UUID(), leaseEnd = now.addingTimeInterval(leaseDuration.timeInterval)
        let due = rows.indices.filter {
            rows[$0].status == .pending && rows[$0].nextAttemptAt <= now && (rows[$0].leaseExpiresAt.map { $0 <= now } ?? true)
        }.sorted { (rows[$0].nextAttemptAt, rows[$0].createdAt) < (rows[$1].nextAttemptAt, rows[$1].createdAt) }.prefix(max(0, limit))
        return due.map { index in
            rows[index].lease = lease
            rows[index].leaseExpiresAt = leaseEnd
            rows[index].attempts += 1
            let row = rows[index]
            return QueuedMail(id: row.id, messageID: row.messageID,
                              mail: OutgoingMail(to: row.recipient, subject: row.subject, textBody: row.textBody ?? "",
                                                 htmlBody: row.htmlBody),
                              createdAt: row.createdAt, attempts: row.attempts, lease: lease)
        }
    }

    public func markSent(_ mail: QueuedMail, at date: Date) async throws {
        guard let index = rows.firstIndex(where: { $0.id == mail.id }) else { return }
        rows[index].status = .sent
        rows[index].sentAt = rows[index].sentAt ?? date
        release(index)
        removeBodies(index, at: date)
    }

    public func markFailed(_ mail: QueuedMail, error: String, retryAt: Date?, at date: Date) async throws {
        guard let index = rows.firstIndex(where: { $0.id == mail.id && $0.lease == mail.lease && $0.status == .pending }) else { return }
        rows[index].lastError = String(error.prefix(1000))
        release(index)
        if let retryAt {
            rows[index].nextAttemptAt = retryAt
        } else {
            rows[index].status = .failed
            removeBodies(index, at: date)
        }
    }

    /// Newest first.
    public func recent(limit: Int) async throws -> [DeliveredMailSummary] {
        rows.sorted { ($0.createdAt, $1.id.uuidString.lowercased()) > ($1.createdAt, $0.id.uuidString.lowercased()) }
            .prefix(max(0, limit)).map { row in
                DeliveredMailSummary(id: row.id, messageID: row.messageID, to: row.recipient, subject: row.subject,
                                     textBody: row.textBody, status: row.status, attempts: row.attempts,
                                     createdAt: row.createdAt, sentAt: row.sentAt)
            }
    }

    /// The last error recorded for a mail (the real table's `last_error`), for tests of the sender.
    public func lastError(of id: UUID) -> String? {
        rows.first { $0.id == id }?.lastError
    }

    func release(_ index: Int) {
        rows[index].lease = nil
        rows[index].leaseExpiresAt = nil
    }

    func removeBodies(_ index: Int, at date: Date) {
        guard !keepsBodies else { return }
        rows[index].textBody = nil
        rows[index].htmlBody = nil
        rows[index].subject = rows[index].redactedSubject ?? rows[index].subject
        rows[index].redactedSubject = nil
    }
}
