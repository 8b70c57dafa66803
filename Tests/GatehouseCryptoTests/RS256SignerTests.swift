import Foundation
import GatehouseCore
@testable import GatehouseCrypto
import Testing

@Suite struct RS256SignerTests {
    let signer: RS256Signer
    let payload = Array(#"{"sub":"alice","iss":"https://id.example"}"#.utf8)

    init() throws {
        signer = try RS256Signer(keys: [TestKeys.first, TestKeys.second])
    }

    /// A compact JWS with any header, signed by our signing key, so only the header rule can refuse it.
    func token(header: String, payload: [UInt8]? = nil) throws -> String {
        let input = Base64URL.encode(header) + "." + Base64URL.encode(payload ?? self.payload)
        return input + "." + Base64URL.encode(try TestKeys.first.signRS256(Array(input.utf8)))
    }

    func decodePart(_ token: String, _ index: Int) throws -> String {
        let part = token.split(separator: ".", omittingEmptySubsequences: false)[index]
        return String(decoding: try #require(Base64URL.decode(part)), as: UTF8.self)
    }

    @Test("a signed token verifies and returns its header and payload (RFC 7515 §5.2)")
    func roundTrip() throws {
        let token = try signer.sign(payload: payload, type: "at+jwt")
        let verified = try signer.verify(token)
        #expect(verified.payload == payload)
        #expect(verified.type == "at+jwt")
        #expect(verified.header["kid"] == TestKeys.first.kid)
    }

    @Test("the header is exactly alg, kid, typ in that order, naming the newest key")
    func headerShape() throws {
        let token = try signer.sign(payload: payload, type: "JWT")
        #expect(try decodePart(token, 0) == #"{"alg":"RS256","kid":"\#(TestKeys.first.kid)","typ":"JWT"}"#)
        #expect(signer.signingKey.kid == TestKeys.first.kid)
        #expect(signer.keyIDs == [TestKeys.first.kid, TestKeys.second.kid])
    }

    @Test("a type needing JSON escaping stays valid JSON")
    func typeEscaping() throws {
        let token = try signer.sign(payload: payload, type: "a\"b\\c\n")
        #expect(try signer.verify(token).type == "a\"b\\c\n")
    }

    @Test("a tampered payload or signature fails (RFC 7515 §5.2 step 8)")
    func tampering() throws {
        let token = try signer.sign(payload: payload, type: "JWT")
        var parts = token.split(separator: ".").map(String.init)
        let original = parts
        parts[1] = Base64URL.encode(Array(#"{"sub":"mallory","iss":"https://id.example"}"#.utf8))
        #expect(throws: TokenVerificationError.badSignature) { try signer.verify(parts.joined(separator: ".")) }

        parts = original
        var signature = try #require(Base64URL.decode(parts[2]))
        signature[signature.count / 2] ^= 0x80
        parts[2] = Base64URL.encode(signature)
        #expect(throws: TokenVerificationError.badSignature) { try signer.verify(parts.joined(separator: ".")) }

        parts = original
        parts[2] = ""
        #expect(throws: TokenVerificationError.badSignature) { try signer.verify(parts.joined(separator: ".")) }
    }

    @Test("alg none and HS256 are refused whatever the signature (RFC 8725 §3.1)")
    func algorithmConfusion() throws {
        let none = Base64URL.encode(#"{"alg":"none","kid":"\#(TestKeys.first.kid)"}"#) + "." + Base64URL.encode(payload) + "."
        #expect(throws: TokenVerificationError.unsupportedAlgorithm("none")) { try signer.verify(none) }

        // HS256 keyed with our public modulus: the classic key-confusion forgery.
        let header = Base64URL.encode(#"{"alg":"HS256","kid":"\#(TestKeys.first.kid)"}"#)
        let input = header + "." + Base64URL.encode(payload)
        let mac = OpenSSLCrypto().hmacSHA256(key: Array(TestKeys.first.n.utf8), message: Array(input.utf8))
        #expect(throws: TokenVerificationError.unsupportedAlgorithm("HS256")) {
            try signer.verify(input + "." + Base64URL.encode(mac))
        }
        #expect(throws: TokenVerificationError.unsupportedAlgorithm("RS512")) {
            try signer.verify(try token(header: #"{"alg":"RS512","kid":"\#(TestKeys.first.kid)"}"#))
        }
    }

    @Test("headers that name a key elsewhere are refused (RFC 8725 §3.10, RFC 7515 §4.1.2–4.1.6)")
    func keyLocatingHeaders() throws {
        let kid = TestKeys.first.kid
        #expect(throws: TokenVerificationError.forbiddenHeader("jku")) {
            try signer.verify(try token(header: #"{"alg":"RS256","kid":"\#(kid)","jku":"https://evil.example/jwks"}"#))
        }
        let jwk = #"{"kty":"RSA","n":"\#(TestKeys.first.n)","e":"AQAB"}"#
        #expect(throws: TokenVerificationError.forbiddenHeader("jwk")) {
            try signer.verify(try token(header: #"{"alg":"RS256","kid":"\#(kid)","jwk":\#(jwk)}"#))
        }
        #expect(throws: TokenVerificationError.forbiddenHeader("x5u")) {
            try signer.verify(try token(header: #"{"alg":"RS256","kid":"\#(kid)","x5u":"https://evil.example/c"}"#))
        }
        #expect(throws: TokenVerificationError.forbiddenHeader("x5c")) {
            try signer.verify(try token(header: #"{"alg":"RS256","kid":"\#(kid)","x5c":["MIIB"]}"#))
        }
    }

    @Test("a missing or unknown kid is an unknown key")
    func unknownKey() throws {
        #expect(throws: TokenVerificationError.unknownKey) {
            try signer.verify(try token(header: #"{"alg":"RS256"}"#))
        }
        #expect(throws: TokenVerificationError.unknownKey) {
            try signer.verify(try token(header: #"{"alg":"RS256","kid":"NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"}"#))
        }
    }

    @Test("a token signed by an older published key still verifies")
    func olderKeyVerifies() throws {
        let old = try RS256Signer(keys: [TestKeys.second])
        let token = try old.sign(payload: payload, type: "JWT")
        #expect(try signer.verify(token).header["kid"] == TestKeys.second.kid)
    }

    @Test("malformed compact serializations are refused (RFC 7515 §7.1)", arguments: [
        "", "a.b", "a.b.c.d", "!!.e30.AA", "eyJhbGciOiJSUzI1NiJ9=.e30.AA", "e30.e30.AA",
        Base64URL.encode("[1]") + ".e30.AA", Base64URL.encode("not json") + ".e30.AA",
        Base64URL.encode(#"{"alg":"RS256","kid":7}"#) + ".e30.AA",
        Base64URL.encode(#"{"alg":"RS256","crit":["exp"]}"#) + ".e30.AA",
        Base64URL.encode(#"{"alg":"RS256","b64":false}"#) + ".e30.AA",
    ])
    func malformed(_ compact: String) {
        #expect(throws: TokenVerificationError.malformed) { try signer.verify(compact) }
    }

    @Test("an empty key set is refused, and so is a verify-only signing key")
    func refusesUnusableKeys() throws {
        #expect(throws: CryptoError.self) { try RS256Signer(keys: []) }
        let publicOnly = try RSAKey(jwkN: TestKeys.first.n, e: TestKeys.first.e)
        #expect(throws: CryptoError.self) { try RS256Signer(keys: [publicOnly]) }
    }

    @Test("the JWKS lists every key with kty, use, alg, kid, n, e, and its n/e verify our tokens (RFC 7517 §5)")
    func jwks() throws {
        let document = try #require(JSONSerialization.jsonObject(with: Data(signer.jwksJSON())) as? [String: Any])
        let keys = try #require(document["keys"] as? [[String: String]])
        #expect(keys.map { $0["kid"] } == [TestKeys.first.kid, TestKeys.second.kid])
        for key in keys {
            #expect(key["kty"] == "RSA" && key["use"] == "sig" && key["alg"] == "RS256")
            #expect(key["d"] == nil && key["p"] == nil, "no private members")
        }
        let published = try RSAKey(jwkN: try #require(keys[0]["n"]), e: try #require(keys[0]["e"]))
        #expect(published.kid == keys[0]["kid"])
        let token = try signer.sign(payload: payload, type: "JWT")
        let parts = token.split(separator: ".").map(String.init)
        #expect(published.verifyRS256(try #require(Base64URL.decode(parts[2])), for: Array((parts[0] + "." + parts[1]).utf8)))
        #expect(String(decoding: signer.jwksJSON(), as: UTF8.self).hasPrefix(#"{"keys":[{"kty":"RSA","use":"sig","alg":"RS256","kid":""#))
    }
}
