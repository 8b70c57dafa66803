public import GatehouseCore
public import Logging
public import ServiceLifecycle

/// The background sender: claims due outbox rows, hands each to the transport, records the
/// outcome, and sleeps until the next enqueue or poll.
///
/// It keeps no state of its own — every row's status, attempts and next due time are in the
/// outbox — so a restart (or a crash) loses nothing, and any number of instances can run it
/// against one database. It runs as a swift-service-lifecycle `Service` beside the HTTP server:
/// on graceful shutdown it stops claiming and finishes the sends in flight.
public struct MailDeliveryService: Service {
    public struct Settings: Sendable {
        /// Rows claimed per round.
        public var batchSize: Int
        /// Sends in flight at once (the SMTP sender's thread count).
        public var concurrency: Int
        /// How long a claim is held. Must outlast a whole batch of sends at their timeout, or a
        /// slow batch could be claimed (and sent) twice.
        public var leaseDuration: Duration
        /// How often the outbox is checked when nothing woke the service (other instances'
        /// enqueues and due retries are found this way).
        public var pollInterval: Duration
        public var retry: MailRetryPolicy

        public init(batchSize: Int = 8, concurrency: Int = 2, leaseDuration: Duration = .seconds(300),
                    pollInterval: Duration = .seconds(1), retry: MailRetryPolicy = MailRetryPolicy()) {
            self.batchSize = max(1, batchSize)
            self.concurrency = max(1, concurrency)
            self.leaseDuration = leaseDuration
            self.pollInterval = pollInterval
            self.retry = retry
        }
    }

    let queue: any MailQueue
    let transport: any MailTransport
    let clock: any Clock
    let wakeSignal: WakeSignal
    let settings: Settings
    let logger: Logger

    public init(queue: any MailQueue, transport: any MailTransport, clock: any Clock, wakeSignal: WakeSignal = WakeSignal(),
                settings: Settings = Settings(), logger: Logger) {
        self.queue = queue
        self.transport = transport
        self.clock = clock
        self.wakeSignal = wakeSignal
        self.settings = settings
        self.logger = logger
    }

    /// Rounds until graceful shutdown or cancellation. An unreachable database is logged and
    /// retried with a growing pause (up to 30 s); it never ends the service.
    public func run() async throws {
        logger.info("mail delivery started")
        var pause = settings.pollInterval
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                let claimed = try await deliverBatch()
                pause = settings.pollInterval
                if claimed == settings.batchSize { continue }
            } catch {
                logger.error("mail delivery could not reach the outbox", metadata: ["error": "\(error)"])
                pause = min(pause * 2, .seconds(30))
            }
            let wait = pause
            let signal = wakeSignal
            await cancelWhenGracefulShutdown { await signal.wait(timeout: wait) }
        }
        logger.info("mail delivery stopped")
    }

    /// One round: claims up to a batch of due rows and sends them, `concurrency` at a time.
    /// Returns how many rows were claimed.
    @discardableResult
    public func deliverBatch() async throws -> Int {
        let batch = try await queue.claim(limit: settings.batchSize, leaseDuration: settings.leaseDuration,
                                          maxAttempts: settings.retry.maxAttempts, now: clock.now)
        await withTaskGroup(of: Void.self) { group in
            var running = 0
            for mail in batch {
                if running == settings.concurrency {
                    await group.next()
                    running -= 1
                }
                group.addTask { await deliver(mail) }
                running += 1
            }
        }
        return batch.count
    }

    /// Sends one mail and records the outcome. Failures are logged with the outbox id, the
    /// Message-ID and the error, never the recipient or the body.
    func deliver(_ mail: QueuedMail) async {
        var metadata: Logger.Metadata = ["outbox_id": "\(mail.id)", "message_id": "\(mail.messageID)", "attempt": "\(mail.attempts)"]
        do {
            try await transport.send(mail)
        } catch {
            let failure = error as? MailTransportError ?? MailTransportError("\(error)", isPermanent: false)
            let now = clock.now
            let retryAt = settings.retry.retryAt(afterAttempt: mail.attempts, permanent: failure.isPermanent, now: now)
            metadata["error"] = "\(failure.message)"
            if let retryAt {
                metadata["retry_in_seconds"] = "\(Int(retryAt.timeIntervalSince(now).rounded()))"
                logger.warning("mail not sent; will retry", metadata: metadata)
            } else {
                logger.error("mail not sent; giving up", metadata: metadata)
            }
            do {
                try await queue.markFailed(mail, error: failure.message, retryAt: retryAt, at: now)
            } catch {
                metadata["record_error"] = "\(error)"
                logger.error("could not record a failed send; the row is retried when its lease expires", metadata: metadata)
            }
            return
        }
        do {
            try await queue.markSent(mail, at: clock.now)
            logger.debug("mail sent", metadata: metadata)
        } catch {
            metadata["error"] = "\(error)"
            logger.error("mail sent but not recorded; it will be sent again when its lease expires", metadata: metadata)
        }
    }
}
