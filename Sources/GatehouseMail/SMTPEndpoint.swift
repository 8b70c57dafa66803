import Foundation

/// Where mail goes, read from `GATEHOUSE_SMTP_URL`: `smtp://[user:password@]host[:port]`
/// (STARTTLS when the server offers it; `?starttls=required` refuses a server that does not),
/// or `smtps://…` (TLS from the first byte). Ports default to 587 (submission) and 465.
///
/// The password is kept apart from the URL handed to libcurl and never printed: `redacted` is
/// the only form that may reach a log or an error message.
public struct SMTPEndpoint: Sendable, Equatable {
    public enum Security: Sendable, Equatable {
        /// `smtp://`: STARTTLS if the server offers it, plain SMTP otherwise.
        case startTLSIfOffered
        /// `smtp://…?starttls=required`: fail unless the server upgrades to TLS.
        case startTLSRequired
        /// `smtps://`: implicit TLS.
        case implicitTLS
    }

    public let security: Security
    public let host: String
    public let port: Int
    public let username: String?
    public let password: String?

    public init(url text: String) throws(SMTPEndpointError) {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased() else {
            throw SMTPEndpointError("must be a URL such as smtp://user:password@mail.example.com:587 or smtps://mail.example.com:465")
        }
        var security: Security
        switch scheme {
        case "smtp": security = .startTLSIfOffered
        case "smtps": security = .implicitTLS
        default: throw SMTPEndpointError("must start with smtp:// or smtps:// (or be the word none)")
        }
        guard var host = components.host, !host.isEmpty else {
            throw SMTPEndpointError("has no host name")
        }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.contains(where: { $0.isWhitespace || $0 == "/" }) else {
            throw SMTPEndpointError("has an invalid host name")
        }
        self.host = host
        port = components.port ?? (security == .implicitTLS ? 465 : 587)
        guard (1...65535).contains(port) else { throw SMTPEndpointError("has a port outside 1...65535") }
        username = components.user.flatMap { $0.isEmpty ? nil : $0 }
        password = components.password
        guard components.path.isEmpty || components.path == "/", components.fragment == nil else {
            throw SMTPEndpointError("must not have a path or fragment (only ?starttls=required is understood)")
        }
        if let query = components.query {
            guard security == .startTLSIfOffered, query.lowercased() == "starttls=required" else {
                throw SMTPEndpointError("understands only ?starttls=required, and only with smtp://")
            }
            security = .startTLSRequired
        }
        self.security = security
    }

    /// The URL for libcurl: scheme, host and port only (credentials go in their own options).
    var curlURL: String {
        "\(security == .implicitTLS ? "smtps" : "smtp")://\(hostForURL):\(port)"
    }

    private var hostForURL: String { host.contains(":") ? "[\(host)]" : host }

    /// The endpoint as it may be logged: the password replaced by `***`.
    public var redacted: String {
        let user = username.map { "\($0)\(password == nil ? "" : ":***")@" } ?? ""
        let query = security == .startTLSRequired ? "?starttls=required" : ""
        return "\(security == .implicitTLS ? "smtps" : "smtp")://\(user)\(hostForURL):\(port)\(query)"
    }
}

/// Why `GATEHOUSE_SMTP_URL` was refused. The message never repeats the URL (it may hold a password).
public struct SMTPEndpointError: Error, CustomStringConvertible {
    public let message: String
    init(_ message: String) { self.message = message }
    public var description: String { message }
}
