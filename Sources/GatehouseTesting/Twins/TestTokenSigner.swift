import Foundation
import GatehouseCore

/// `TokenSigner` and `TokenVerifier` without RSA: compact JWS with HMAC-SHA256 (`HS256`) under a
/// key of its own and one `kid`, so Core's tests can issue tokens, read them back and see a
/// tampered one refused. The verifier keeps the real one's rules that Core relies on: only its
/// algorithm, only its key, no `jku`/`jwk`/`x5u`.
public struct TestTokenSigner: TokenSigner, TokenVerifier {
    public let keyID: String
    let key: [UInt8]
    let crypto = TestCrypto()

    public init(keyID: String = "test-key", key: [UInt8] = Array("gatehouse-test-signing-key".utf8)) {
        self.keyID = keyID
        self.key = key
    }

    public func sign(payload: [UInt8], type: String) throws -> String {
        var header = JSONObjectWriter()
        header.write("alg", "HS256")
        header.write("kid", keyID)
        header.write("typ", type)
        let input = Base64URL.encode(header.finish()) + "." + Base64URL.encode(payload)
        return input + "." + Base64URL.encode(crypto.hmacSHA256(key: key, message: Array(input.utf8)))
    }

    public func jwksJSON() -> [UInt8] {
        Array(#"{"keys":[{"alg":"HS256","kid":"\#(keyID)","kty":"oct"}]}"#.utf8)
    }

    public func verify(_ compact: String) throws(TokenVerificationError) -> VerifiedJWS {
        let parts = compact.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let headerBytes = Base64URL.decode(parts[0]), let payload = Base64URL.decode(parts[1]),
              let signature = Base64URL.decode(parts[2]),
              let header = try? JSONDecoder().decode([String: String].self, from: Data(headerBytes)) else {
            throw .malformed
        }
        guard header["alg"] == "HS256" else { throw .unsupportedAlgorithm(header["alg"] ?? "") }
        if let forbidden = ["jku", "jwk", "x5u"].first(where: { header[$0] != nil }) { throw .forbiddenHeader(forbidden) }
        guard header["kid"] == keyID else { throw .unknownKey }
        let input = Array(compact.utf8.prefix(parts[0].utf8.count + 1 + parts[1].utf8.count))
        guard crypto.hmacSHA256(key: key, message: input) == signature else { throw .badSignature }
        return VerifiedJWS(header: header, payload: payload)
    }

    /// The claims of a token this signer made, as JSON values (for assertions).
    public static func claims(of token: String) -> [String: Any]? {
        let parts = token.split(separator: ".")
        guard parts.count == 3, let payload = Base64URL.decode(parts[1]) else { return nil }
        return (try? JSONSerialization.jsonObject(with: Data(payload))) as? [String: Any]
    }
}
