public import GatehouseCore

/// How the delivery service hands one claimed mail onward: real SMTP (`SMTPSender`) or, in
/// development mode without SMTP, standard output (`ConsoleMailTransport`).
public protocol MailTransport: Sendable {
    /// Returns once the message was accepted; throws `MailTransportError` otherwise.
    func send(_ mail: QueuedMail) async throws
}

/// A failed send. `isPermanent` means this message can never go out as it is (the server
/// refused the sender or recipient with a 5xx, or the message could not be written): the
/// delivery service then gives up at once instead of retrying. Everything else — connection,
/// TLS, timeouts, 4xx, a rejected login — is retried with backoff, since it may be fixed.
public struct MailTransportError: Error, CustomStringConvertible {
    public let message: String
    public let isPermanent: Bool

    public init(_ message: String, isPermanent: Bool) {
        self.message = message
        self.isPermanent = isPermanent
    }

    public var description: String { message }
}
