public import GatehouseCore

/// Signs Gatehouse's JWTs (ID tokens, RFC 9068 access tokens) with RS256 and publishes the
/// key set, built from the keys `KeyDirectory.load` returns.
///
/// The first key of `keys` signs (`KeyDirectory.load` puts the newest first); every key is
/// published and accepted for verification, so tokens signed before a rotation stay valid
/// until they expire. Signing (~1 ms) runs inline on the caller's thread.
public struct RS256Signer: TokenSigner, TokenVerifier {
    /// The key that signs new tokens.
    public let signingKey: RSAKey
    let keysByID: [String: RSAKey]
    private let jwks: [UInt8]
    /// The encoded JWS header of each token type Gatehouse issues, made once (`sign`).
    private let encodedHeaders: [String: String]

    /// Refuses an empty key set, and a signing key that has no private half.
    public init(keys: [RSAKey]) throws {
        guard let first = keys.first else {
            throw CryptoError(operation: "RS256 signer", reason:
                "no signing key: run `gatehouse keys generate` or point GATEHOUSE_KEYS_DIR at the key directory")
        }
        guard first.hasPrivateKey else {
            throw CryptoError(operation: "RS256 signer", reason: "the signing key \(first.kid) has no private half")
        }
        var byID: [String: RSAKey] = [:]
        var published: [RSAKey] = []
        for key in keys where byID[key.kid] == nil {
            byID[key.kid] = key
            published.append(key)
        }
        signingKey = first
        keysByID = byID
        jwks = Array(Self.jwksDocument(published).utf8)
        encodedHeaders = Dictionary(uniqueKeysWithValues: [TokenType.accessToken, TokenType.idToken].map {
            ($0, Self.encodedHeader(kid: first.kid, type: $0))
        })
    }

    /// Every key id this signer publishes, signing key first.
    public var keyIDs: [String] { [signingKey.kid] + keysByID.keys.filter { $0 != signingKey.kid }.sorted() }

    /// A compact JWS (RFC 7515 §7.1): `base64url(header).base64url(payload).base64url(signature)`
    /// with header `{"alg":"RS256","kid":...,"typ":...}` in that fixed order.
    public func sign(payload: [UInt8], type: String) throws -> String {
        let header = encodedHeaders[type] ?? Self.encodedHeader(kid: signingKey.kid, type: type)
        let signingInput = header + "." + Base64URL.encode(payload)
        let signature = try signingKey.signRS256(Array(signingInput.utf8))
        return signingInput + "." + Base64URL.encode(signature)
    }

    private static func encodedHeader(kid: String, type: String) -> String {
        Base64URL.encode(#"{"alg":"RS256","kid":"\#(kid)","typ":\#(JSONObjectWriter.string(type))}"#)
    }

    /// The JWK Set (RFC 7517 §5), computed once at init.
    public func jwksJSON() -> [UInt8] { jwks }

    /// `{"keys":[{"kty":"RSA","use":"sig","alg":"RS256","kid":..,"n":..,"e":..}, ...]}`.
    /// Every value is base64url or a fixed word, so no escaping is needed.
    private static func jwksDocument(_ keys: [RSAKey]) -> String {
        let entries = keys.map { key in
            #"{"kty":"RSA","use":"sig","alg":"RS256","kid":"\#(key.kid)","n":"\#(key.n)","e":"\#(key.e)"}"#
        }
        return #"{"keys":["# + entries.joined(separator: ",") + "]}"
    }
}
