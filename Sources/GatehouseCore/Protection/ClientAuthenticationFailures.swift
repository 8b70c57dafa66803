/// Failed client authentication at `/token`, `/revoke` and `/introspect`, counted per address and
/// per client id after the check, and refused (429) only when the attempt failed as well.
///
/// Client secrets are 256-bit and checked by a cheap SHA-256 digest (DESIGN.md): nobody guesses
/// one, so there is nothing to protect by refusing a right secret, and a service on the same
/// address as a fuzzer, or a client whose other deployment has a stale secret, keeps working.
/// The limit only sheds the failing traffic: once an address or a client id used up its failures,
/// its failing attempts are answered 429 (from memory, without a Redis round trip, once this
/// instance knows) instead of 401. Successful requests never touch the counters, nor fail when
/// Redis is down.
public struct ClientAuthenticationFailures: Sendable {
    let network: NetworkRateLimiter
    let crypto: any CryptoPrimitives

    public init(network: NetworkRateLimiter, crypto: any CryptoPrimitives) {
        self.network = network
        self.crypto = crypto
    }

    /// Counts one failed client authentication for `clientID` (as presented, known or not) from
    /// `origin`; throws `TooManyAttempts` when either count was already full.
    public func failed(clientID: String?, from origin: ClientOrigin) async throws {
        try await network.recordFailure(.clientAuthentication, from: origin)
        guard let clientID else { return }
        // Per client id whatever the address (a trusted network included): ids are digested, so
        // an unknown or odd one makes an ordinary key.
        let key = "client:" + RateLimitedAction.clientAuthentication.rawValue + ":"
            + crypto.sha256(clientID).map { String(format: "%02x", $0) }.joined()
        try await network.recordFailure(.network(.clientAuthentication), key: key,
                                        policy: network.settings.policy(for: .clientAuthentication))
    }
}
