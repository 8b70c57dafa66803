import Foundation

/// Where mail goes, read from `GATEHOUSE_SMTP_URL`: `smtp://[user:password@]host[:port]`
/// (STARTTLS, required), or `smtps://…` (TLS from the first byte). Ports default to 587
/// (submission) and 465.
///
/// STARTTLS is required by default because opportunistic STARTTLS is strippable: an attacker on
/// the path who removes the server's STARTTLS offer reads every password-reset link and the SMTP
/// password in clear. Only a relay on this machine (a loopback host) may speak plain SMTP by
/// default; `?starttls=optional` allows the fallback for another host, `?starttls=required`
/// insists even on loopback.
///
/// The password is kept apart from the URL handed to libcurl and never printed: `redacted` is
/// the only form that may reach a log or an error message.
public struct SMTPLocation: Sendable, Equatable {
    public enum Security: Sendable, Equatable {
        /// STARTTLS if the server offers it, plain SMTP otherwise: `smtp://` to a loopback host,
        /// or `?starttls=optional`.
        case startTLSIfOffered
        /// Fail unless the server upgrades to TLS: `smtp://` to any other host, or `?starttls=required`.
        case startTLSRequired
        /// `smtps://`: implicit TLS.
        case implicitTLS
    }

    public let security: Security
    public let host: String
    public let port: Int
    public let username: String?
    public let password: String?

    public init(url text: String) throws(SMTPLocationError) {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased() else {
            throw SMTPLocationError("must be a URL such as smtp://user:password@mail.example.com:587 or smtps://mail.example.com:465")
        }
        guard scheme == "smtp" || scheme == "smtps" else {
            throw SMTPLocationError("must start with smtp:// or smtps:// (or be the word none)")
        }
        guard var host = components.host, !host.isEmpty else {
            throw SMTPLocationError("has no host name")
        }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.contains(where: { $0.isWhitespace || $0 == "/" }) else {
            throw SMTPLocationError("has an invalid host name")
        }
        self.host = host
        var security = scheme == "smtps" ? Security.implicitTLS : Self.defaultSecurity(host: host)
        port = components.port ?? (security == .implicitTLS ? 465 : 587)
        guard (1...65535).contains(port) else { throw SMTPLocationError("has a port outside 1...65535") }
        username = components.user.flatMap { $0.isEmpty ? nil : $0 }
        password = components.password
        guard components.path.isEmpty || components.path == "/", components.fragment == nil else {
            throw SMTPLocationError("must not have a path or fragment (only ?starttls=required or ?starttls=optional is understood)")
        }
        if let query = components.query {
            guard security != .implicitTLS else { throw SMTPLocationError("understands ?starttls=… only with smtp://") }
            switch query.lowercased() {
            case "starttls=required": security = .startTLSRequired
            case "starttls=optional": security = .startTLSIfOffered
            default: throw SMTPLocationError("understands only ?starttls=required or ?starttls=optional")
            }
        }
        self.security = security
    }

    /// The URL for libcurl: scheme, host and port only (credentials go in their own options).
    var curlURL: String {
        "\(security == .implicitTLS ? "smtps" : "smtp")://\(hostForURL):\(port)"
    }

    private var hostForURL: String { host.contains(":") ? "[\(host)]" : host }

    /// What `smtp://host` means without a query: required STARTTLS, except for a relay on this
    /// machine, whose traffic never crosses a network.
    static func defaultSecurity(host: String) -> Security {
        let lowered = host.lowercased()
        let loopback = lowered == "localhost" || lowered == "::1" || lowered.hasPrefix("127.")
        return loopback ? .startTLSIfOffered : .startTLSRequired
    }

    /// The location as it may be logged: the password replaced by `***`.
    public var redacted: String {
        let user = username.map { "\($0)\(password == nil ? "" : ":***")@" } ?? ""
        var query = ""
        if security != .implicitTLS, security != Self.defaultSecurity(host: host) {
            query = security == .startTLSRequired ? "?starttls=required" : "?starttls=optional"
        }
        return "\(security == .implicitTLS ? "smtps" : "smtp")://\(user)\(hostForURL):\(port)\(query)"
    }
}

/// Why `GATEHOUSE_SMTP_URL` was refused. The message never repeats the URL (it may hold a password).
public struct SMTPLocationError: Error, CustomStringConvertible {
    public let message: String
    init(_ message: String) { self.message = message }
    public var description: String { message }
}
