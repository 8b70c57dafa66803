/// Authenticates the caller of the token endpoint (RFC 6749 §2.3, §3.2.1). Secrets are
/// compared as SHA-256 digests in constant time. Every failure is `invalid_client`.
public struct ClientAuthenticator: Sendable {
    let clients: any ClientStore
    let crypto: any CryptoPrimitives

    public init(clients: any ClientStore, crypto: any CryptoPrimitives) {
        self.clients = clients
        self.crypto = crypto
    }

    public func authenticate(_ credentials: ClientCredentials) async throws -> Client {
        guard let client = try await clients.find(id: credentials.clientID) else {
            // Spend the digest anyway so unknown and known ids answer alike.
            _ = crypto.sha256(credentials.secret ?? "")
            throw OAuthError(.invalidClient, .clientAuthenticationFailed)
        }
        switch (client.secretDigest, credentials.secret) {
        case (nil, nil):
            return client
        case (nil, .some):
            throw OAuthError(.invalidClient, .publicClientHasNoSecret)
        case (.some, nil):
            throw OAuthError(.invalidClient, .clientAuthenticationFailed)
        case (.some(let expected), .some(let presented)):
            guard ConstantTime.equals(crypto.sha256(presented), expected) else {
                throw OAuthError(.invalidClient, .clientAuthenticationFailed)
            }
            return client
        }
    }
}
