/// The client's credentials as presented (RFC 6749 §2.3.1): HTTP Basic or form body, or just a
/// `client_id` for a public client. The web layer reads them from the request (the Authorization
/// header and the form); `ClientAuthenticator` checks them.
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
}
