import Foundation

/// Signs JWTs (RS256) with the newest key and publishes every key as a JWKS.
public protocol TokenSigner: Sendable {
    /// A compact JWS over `payload` (the JSON claims) with header `{"alg":"RS256","typ":type,"kid":...}`.
    func sign(payload: [UInt8], type: String) throws -> String
    /// The JWK Set document (RFC 7517 §5) of every published key, as JSON.
    func jwksJSON() -> [UInt8]
}

/// A JWS whose signature checked out against one of our keys.
public struct VerifiedJWS: Sendable {
    public let header: [String: String]
    public let payload: [UInt8]

    public init(header: [String: String], payload: [UInt8]) {
        self.header = header
        self.payload = payload
    }

    public var type: String? { header["typ"] }
}

/// Verifies Gatehouse's own JWTs: RS256 only, `kid` from our key set, no `jku`/`jwk`/`x5u`
/// headers (RFC 8725 §3.1, §3.10). Claims (exp, iss, aud) are checked by the caller.
public protocol TokenVerifier: Sendable {
    func verify(_ compact: String) throws(TokenVerificationError) -> VerifiedJWS
}

public enum TokenVerificationError: Error, Equatable, Sendable {
    case malformed
    case unsupportedAlgorithm(String)
    case forbiddenHeader(String)
    case unknownKey
    case badSignature
}
