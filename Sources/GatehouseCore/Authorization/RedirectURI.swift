import Foundation

/// A redirect URI that passed the registration check. Only `RedirectURIPolicy` makes one,
/// so code that redirects a browser cannot send it somewhere unchecked (RFC 9700 §4.1).
public struct VerifiedRedirect: Sendable, Equatable {
    public let uri: String
    fileprivate init(uri: String) { self.uri = uri }
}

/// Exact matching of redirect URIs (RFC 9700 §4.1.3, OIDC Core §3.1.2.1), with RFC 8252 §7.3's
/// single exception: a public client's loopback IP redirect accepts any port.
public enum RedirectURIPolicy {
    public static func verify(_ requested: String, for client: Client) -> VerifiedRedirect? {
        if client.redirectURIs.contains(requested) {
            return VerifiedRedirect(uri: requested)
        }
        if client.isPublic, let requestedLoopback = LoopbackURI(requested),
           client.redirectURIs.contains(where: { LoopbackURI($0)?.matchesIgnoringPort(requestedLoopback) == true }) {
            return VerifiedRedirect(uri: requested)
        }
        return nil
    }

    /// Whether a URI may be registered: absolute, no fragment (RFC 6749 §3.1.2), and https
    /// unless it is loopback http or a private-use scheme of a native app (RFC 8252 §7.1).
    public static func isRegistrable(_ uri: String) -> Bool {
        guard let components = URLComponents(string: uri), let scheme = components.scheme?.lowercased(),
              components.fragment == nil, !uri.contains("#") else { return false }
        switch scheme {
        case "https":
            return components.host?.isEmpty == false
        case "http":
            guard let host = components.host?.lowercased() else { return false }
            return host == "127.0.0.1" || host == "[::1]" || host == "::1" || host == "localhost"
        default:
            return scheme.contains(".")  // reverse-domain private-use scheme
        }
    }
}

/// An `http://127.0.0.1[:port]/path` or `http://[::1][:port]/path` URI taken apart.
private struct LoopbackURI: Equatable {
    let host: String
    let rest: String

    init?(_ text: String) {
        let prefixes = ["http://127.0.0.1", "http://[::1]"]
        guard let prefix = prefixes.first(where: { text.hasPrefix($0) }) else { return nil }
        var remainder = text.dropFirst(prefix.count)
        if remainder.first == ":" {
            let digits = remainder.dropFirst().prefix(while: \.isNumber)
            guard !digits.isEmpty, digits.count <= 5 else { return nil }
            remainder = remainder.dropFirst(1 + digits.count)
        }
        guard remainder.isEmpty || remainder.first == "/" || remainder.first == "?" else { return nil }
        host = prefix
        rest = String(remainder)
    }

    func matchesIgnoringPort(_ other: LoopbackURI) -> Bool { self == other }
}
