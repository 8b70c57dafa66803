/// A token request parsed once from the form body (RFC 6749 §4.1.3, §6, §4.4); grants never
/// see the raw form.
public struct TokenRequest: Sendable {
    public var grantType: String
    public var code: String?
    public var redirectURI: String?
    public var codeVerifier: String?
    public var refreshToken: String?
    public var scope: String?
    public var resource: String?

    public init(grantType: String, code: String? = nil, redirectURI: String? = nil, codeVerifier: String? = nil,
                refreshToken: String? = nil, scope: String? = nil, resource: String? = nil) {
        self.grantType = grantType
        self.code = code
        self.redirectURI = redirectURI
        self.codeVerifier = codeVerifier
        self.refreshToken = refreshToken
        self.scope = scope
        self.resource = resource
    }

    public static func parse(_ form: RequestParameters) throws(OAuthError) -> TokenRequest {
        if let name = form.repeatedNames.first {
            throw OAuthError(.invalidRequest, "the parameter \(name) was included more than once")
        }
        guard let grantType = form["grant_type"] else {
            throw OAuthError(.invalidRequest, "grant_type is required")
        }
        return TokenRequest(grantType: grantType, code: form["code"], redirectURI: form["redirect_uri"],
                            codeVerifier: form["code_verifier"], refreshToken: form["refresh_token"],
                            scope: form["scope"], resource: form["resource"])
    }
}

/// The client's credentials as presented (RFC 6749 §2.3.1): HTTP Basic or form body, or just a
/// `client_id` for a public client.
public struct ClientCredentials: Sendable, Equatable {
    public enum Method: String, Sendable { case basic = "client_secret_basic", post = "client_secret_post", none }

    public var clientID: String
    public var secret: String?
    public var method: Method

    public init(clientID: String, secret: String?, method: Method) {
        self.clientID = clientID
        self.secret = secret
        self.method = method
    }

    /// Reads credentials from the Authorization header value and the form; using two methods
    /// at once is refused (RFC 6749 §2.3). Runs on every token request, so the header is read on
    /// UTF-8 bytes rather than through Foundation's lowercasing, trimming and base64.
    public static func from(authorizationHeader: String?, form: RequestParameters) throws(OAuthError) -> ClientCredentials {
        if let header = authorizationHeader, let token = basicToken(header) {
            if form["client_secret"] != nil {
                throw OAuthError(.invalidRequest, "use one client authentication method, not two")
            }
            // base64 of urlencode(id) ":" urlencode(secret) (RFC 6749 §2.3.1); an id may not hold a
            // raw ':', a secret may.
            guard let decoded = Base64Standard.decode(token),
                  let colon = decoded.utf8.firstIndex(of: UInt8(ascii: ":")),
                  let id = FormEncoding.decodeComponent(decoded[..<colon]),
                  let secret = FormEncoding.decodeComponent(decoded[decoded.utf8.index(after: colon)...]),
                  !id.isEmpty else {
                throw OAuthError(.invalidClient, "the Authorization header is not valid Basic credentials")
            }
            if let formID = form["client_id"], formID != id {
                throw OAuthError(.invalidRequest, "client_id differs from the authenticated client")
            }
            return ClientCredentials(clientID: id, secret: secret, method: .basic)
        }
        guard let id = form["client_id"] else {
            throw OAuthError(.invalidClient, "client authentication is required")
        }
        if let secret = form["client_secret"] {
            return ClientCredentials(clientID: id, secret: secret, method: .post)
        }
        return ClientCredentials(clientID: id, secret: nil, method: .none)
    }

    /// The credentials of a `Basic` Authorization header, whitespace around them removed; nil
    /// for any other scheme. The scheme is case-insensitive (RFC 9110 §11.1) and followed by
    /// one space.
    private static func basicToken(_ header: String) -> Substring? {
        let scheme = "basic ".utf8
        let utf8 = header.utf8
        var index = utf8.startIndex
        for expected in scheme {
            guard index < utf8.endIndex else { return nil }
            // Setting 0x20 lowercases the letters; the space must be exact.
            let byte = expected == UInt8(ascii: " ") ? utf8[index] : utf8[index] | 0x20
            guard byte == expected else { return nil }
            utf8.formIndex(after: &index)
        }
        return Whitespace.trimming(header[index...])
    }
}
