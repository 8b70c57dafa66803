public import Foundation
public import GatehouseCore

/// The email outbox in PostgreSQL (`email_outbox`): flows enqueue with one INSERT, and the
/// background sender of any instance drains it.
///
/// Senders claim due rows with `FOR UPDATE SKIP LOCKED` and hold them under a lease, so two
/// instances never take the same row while a lease runs; a row whose sender crashed is claimed
/// again once its lease ran out. Delivery is therefore at least once, and the Message-ID fixed
/// here at enqueue lets a receiver recognise a repeat. All state lives in the table: a restart
/// loses nothing.
///
/// Bodies carry reset links and codes, so they are kept only while the mail may still be sent:
/// when it is sent or given up the bodies go, the subject becomes its redacted form, and the
/// row stays as the delivery record. A failure that will be retried keeps its body. Development
/// mode keeps bodies for its mailbox page (`keepsBodies`).
public struct PostgresMailOutbox: MailOutbox, MailQueue, MailboxReader {
    let pool: PostgresPool
    public let isEnabled: Bool
    let messageIDDomain: String
    let clock: any Clock
    let onEnqueue: @Sendable () -> Void
    /// Development mode only: delivered bodies stay for `/dev/mailbox`.
    let keepsBodies: Bool

    /// - Parameters:
    ///   - isEnabled: false when the deployment runs without mail: `enqueue` then throws.
    ///   - messageIDDomain: the right-hand side of generated Message-IDs (the issuer's host).
    ///   - onEnqueue: called after each committed enqueue, to wake this instance's sender at
    ///     once instead of at its next poll.
    ///   - keepsBodies: keep bodies after delivery (development mode's mailbox only).
    public init(pool: PostgresPool, isEnabled: Bool = true, messageIDDomain: String, clock: any Clock,
                onEnqueue: @escaping @Sendable () -> Void = {}, keepsBodies: Bool = false) {
        self.pool = pool
        self.isEnabled = isEnabled
        self.messageIDDomain = messageIDDomain
        self.clock = clock
        self.onEnqueue = onEnqueue
        self.keepsBodies = keepsBodies
    }

    /// Longest `last_error` kept; libcurl and SMTP servers can be chatty.
    static let maxErrorLength = 1000

    // MARK: - MailOutbox

    public func enqueue(_ mail: OutgoingMail) async throws {
        guard isEnabled else { throw MailDisabledError() }
        try mail.validate()
        let id = UUID()
        let now = clock.now
        _ = try await pool.query(
            """
            INSERT INTO email_outbox (id, message_id, recipient, subject, text_body, html_body, next_attempt_at, created_at,
                                      redacted_subject)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8)
            """,
            [.uuid(id), .text(messageID(for: id)), .text(mail.to), .text(mail.subject), .text(mail.textBody),
             .optionalText(mail.htmlBody), .timestamp(now), .optionalText(mail.redactedSubject)])
        onEnqueue()
    }

    func messageID(for id: UUID) -> String {
        "<\(id.uuidString.lowercased())@\(messageIDDomain)>"
    }

    // MARK: - MailQueue

    public func claim(limit: Int, leaseDuration: Duration, maxAttempts: Int, now: Date) async throws -> [QueuedMail] {
        let lease = UUID()
        let leaseSeconds = Double(leaseDuration.components.seconds) + Double(leaseDuration.components.attoseconds) / 1e18
        let leaseEnd = now.addingTimeInterval(leaseSeconds)
        return try await pool.transaction { connection in
            _ = try connection.query(giveUpAbandonedSQL, [.timestamp(now), .int(maxAttempts)])
            let rows = try connection.query(Self.claimSQL, [.timestamp(now), .int(limit), .uuid(lease), .timestamp(leaseEnd)]).rows
            return try rows.map { row in
                QueuedMail(id: try row.uuid("id"), messageID: try row.string("message_id"),
                           mail: OutgoingMail(to: try row.string("recipient"), subject: try row.string("subject"),
                                              textBody: try row.string("text_body"), htmlBody: try row.optionalString("html_body")),
                           createdAt: try row.date("created_at"), attempts: try row.int("attempts"), lease: lease)
            }
        }
    }

    public func markSent(_ mail: QueuedMail, at date: Date) async throws {
        _ = try await pool.query(
            """
            UPDATE email_outbox SET status = 'sent', sent_at = COALESCE(sent_at, $2), lease_id = NULL, lease_expires_at = NULL
                                    \(removeBodies(at: "$2"))
            WHERE id = $1
            """,
            [.uuid(mail.id), .timestamp(date)])
    }

    public func markFailed(_ mail: QueuedMail, error: String, retryAt: Date?, at date: Date) async throws {
        let message = String(error.prefix(Self.maxErrorLength))
        if let retryAt {
            _ = try await pool.query(
                """
                UPDATE email_outbox SET next_attempt_at = $3, last_error = $4, lease_id = NULL, lease_expires_at = NULL
                WHERE id = $1 AND lease_id = $2 AND status = 'pending'
                """,
                [.uuid(mail.id), .uuid(mail.lease), .timestamp(retryAt), .text(message)])
        } else {
            _ = try await pool.query(
                """
                UPDATE email_outbox SET status = 'failed', last_error = $3, lease_id = NULL, lease_expires_at = NULL
                                        \(removeBodies(at: "$4"))
                WHERE id = $1 AND lease_id = $2 AND status = 'pending'
                """,
                [.uuid(mail.id), .uuid(mail.lease), .text(message), .timestamp(date)])
        }
    }

    /// Rows out of attempts whose last sender never reported back (it crashed or hung past its
    /// lease) are given up with a note, instead of being claimed forever.
    var giveUpAbandonedSQL: String {
        """
        UPDATE email_outbox
        SET status = 'failed', lease_id = NULL, lease_expires_at = NULL,
            last_error = 'gave up after ' || attempts || ' attempts; the last sender stopped without reporting (lease expired)'
                         || COALESCE(': ' || last_error, '')
            \(removeBodies(at: "$1"))
        WHERE status = 'pending' AND attempts >= $2 AND lease_expires_at IS NOT NULL AND lease_expires_at <= $1
        """
    }

    /// The SET items that turn a row that is no longer pending into its delivery record (none in
    /// development mode). `time` is the parameter holding the moment.
    func removeBodies(at time: String) -> String {
        keepsBodies ? "" : ", text_body = NULL, html_body = NULL, subject = COALESCE(redacted_subject, subject), "
            + "redacted_subject = NULL, body_removed_at = \(time)"
    }

    /// Removes the bodies delivered mail still has (written in development mode, whose mailbox
    /// keeps them): `serve` calls this at start outside development mode. Returns how many.
    @discardableResult
    public func removeDeliveredBodies() async throws -> Int {
        try await pool.query(
            """
            UPDATE email_outbox SET text_body = NULL, html_body = NULL, subject = COALESCE(redacted_subject, subject),
                                    redacted_subject = NULL, body_removed_at = $1
            WHERE status <> 'pending' AND text_body IS NOT NULL
            """,
            [.timestamp(clock.now)]).affectedRows
    }

    /// Due, unleased (or lease expired) rows, oldest due first; rows another sender is claiming
    /// right now are skipped, not waited for.
    static let claimSQL = """
        UPDATE email_outbox AS o
        SET lease_id = $3, lease_expires_at = $4, attempts = o.attempts + 1
        FROM (SELECT id FROM email_outbox
              WHERE status = 'pending' AND next_attempt_at <= $1 AND (lease_expires_at IS NULL OR lease_expires_at <= $1)
              ORDER BY next_attempt_at, created_at
              LIMIT $2
              FOR UPDATE SKIP LOCKED) AS due
        WHERE o.id = due.id
        RETURNING o.id, o.message_id, o.recipient, o.subject, o.text_body, o.html_body, o.created_at, o.attempts
        """

    // MARK: - MailboxReader

    public func recent(limit: Int) async throws -> [DeliveredMailSummary] {
        try await pool.query(
            """
            SELECT id, message_id, recipient, subject, text_body, status, attempts, created_at, sent_at
            FROM email_outbox ORDER BY created_at DESC, id LIMIT $1
            """,
            [.int(limit)]).rows.map { row in
                let status = try row.string("status")
                return DeliveredMailSummary(
                    id: try row.uuid("id"), messageID: try row.string("message_id"), to: try row.string("recipient"),
                    subject: try row.string("subject"), textBody: try row.optionalString("text_body"),
                    status: MailDeliveryStatus(rawValue: status) ?? .pending, attempts: try row.int("attempts"),
                    createdAt: try row.date("created_at"), sentAt: try row.optionalDate("sent_at"))
            }
    }
}
