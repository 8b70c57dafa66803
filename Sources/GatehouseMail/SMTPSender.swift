public import GatehouseCore
public import Logging
import NIOPosix

/// Sends outbox mail over real SMTP with libcurl.
///
/// libcurl's easy API blocks its thread for the whole SMTP conversation (connect, TLS, the
/// server's replies), which can take seconds. On Swift's cooperative pool that would stall
/// requests, so the sender owns a small `NIOThreadPool` and every transfer runs there; callers
/// only suspend. One handle per message keeps transfers independent (mail volume is low).
public final class SMTPSender: MailTransport {
    let location: SMTPLocation
    let from: MailAddress
    let transfer: CurlSMTPTransfer
    private let threadPool: NIOThreadPool
    let logger: Logger

    /// - Parameters:
    ///   - caFile: PEM bundle to verify the server with instead of the system store
    ///     (`GATEHOUSE_SMTP_CA_FILE`, for a private CA).
    ///   - threads: transfers that may run at once.
    ///   - timeout: a whole transaction's limit; the delivery lease must outlast a batch of them.
    public init(location: SMTPLocation, from: MailAddress, caFile: String? = nil, threads: Int = 2,
                connectTimeout: Duration = .seconds(10), timeout: Duration = .seconds(30), logger: Logger) {
        self.location = location
        self.from = from
        transfer = CurlSMTPTransfer(location: location, caFile: caFile,
                                    connectTimeoutSeconds: Int(connectTimeout.components.seconds),
                                    timeoutSeconds: Int(timeout.components.seconds))
        threadPool = NIOThreadPool(numberOfThreads: max(1, threads))
        threadPool.start()
        self.logger = logger
    }

    public func send(_ mail: QueuedMail) async throws {
        let message: MIMEMessage
        do {
            message = try MIMEMessage(from: from, queued: mail)
        } catch {
            throw MailTransportError("the message could not be written: \(error)", isPermanent: true)
        }
        try await send(message)
    }

    /// Sends an already written message (the envelope comes from its From and To).
    public func send(_ message: MIMEMessage) async throws {
        let bytes = Array(message.render().utf8)
        let transfer = self.transfer
        let from = message.from.address
        let to = message.to.address
        try await threadPool.runIfActive {
            try transfer.send(message: bytes, from: from, to: to)
        }
    }

    /// Stops the threads once the delivery service is done. Safe to call twice.
    public func shutdown() async {
        try? await threadPool.shutdownGracefully()
    }
}
