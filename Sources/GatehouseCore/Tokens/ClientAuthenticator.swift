/// Authenticates the caller of the token endpoint (RFC 6749 §2.3, §3.2.1). Secrets are
/// compared as SHA-256 digests in constant time. Every failure is `invalid_client`. After a
/// rotation with a grace period, the replaced secret works too until the period ends; it is
/// compared only when the current one did not match, so the usual case costs nothing more.
public struct ClientAuthenticator: Sendable {
    let clients: any ClientStore
    let crypto: any CryptoPrimitives
    let clock: any Clock

    public init(clients: any ClientStore, crypto: any CryptoPrimitives, clock: any Clock) {
        self.clients = clients
        self.crypto = crypto
        self.clock = clock
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
            let digest = crypto.sha256(presented)
            if ConstantTime.equals(digest, expected) { return client }
            if let previous = client.previousSecret, previous.expiresAt > clock.now, ConstantTime.equals(digest, previous.digest) {
                return client
            }
            throw OAuthError(.invalidClient, .clientAuthenticationFailed)
        }
    }
}
