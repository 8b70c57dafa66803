import Foundation
import GatehouseCore
import GatehouseMail
import GatehousePostgres
import Logging
import ServiceLifecycle

/// The mail pieces `serve` runs: the outbox flows write to, and the background sender that
/// drains it (SMTP, or standard output in development mode), woken by each local enqueue.
/// With `GATEHOUSE_SMTP_URL=none` the outbox is disabled and no sender runs.
struct MailComposition {
    let outbox: PostgresMailOutbox
    let services: [any Service]
    private let smtpSender: SMTPSender?

    init(backends: Backends, mode: MailMode, logger: Logger) {
        let wake = WakeSignal()
        let outbox = PostgresMailOutbox(pool: backends.postgres, isEnabled: mode.isEnabled,
                                        messageIDDomain: URLComponents(string: backends.configuration.issuer)?.host ?? "gatehouse.local",
                                        clock: backends.clock, onEnqueue: { wake.fire() },
                                        keepsBodies: backends.configuration.developmentMode)
        self.outbox = outbox
        var mailLogger = logger
        mailLogger[metadataKey: "component"] = "mail"
        let transport: (any MailTransport)?
        switch mode {
        case .smtp(let location, let from, let caFile):
            let sender = SMTPSender(location: location, from: from, caFile: caFile, logger: mailLogger)
            smtpSender = sender
            transport = sender
        case .developmentConsole:
            smtpSender = nil
            transport = ConsoleMailTransport()
        case .disabled:
            smtpSender = nil
            transport = nil
        }
        services = transport.map {
            [MailDeliveryService(queue: outbox, transport: $0, clock: backends.clock, wakeSignal: wake, logger: mailLogger)]
        } ?? []
    }

    /// Stops the SMTP threads once the services have finished.
    func shutdown() async {
        await smtpSender?.shutdown()
    }
}
