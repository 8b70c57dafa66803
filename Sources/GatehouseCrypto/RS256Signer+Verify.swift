public import GatehouseCore
import Foundation

/// Verification of Gatehouse's own JWTs (RFC 7515 §5.2), with the RFC 8725 hardening:
/// only RS256 (§3.1: the algorithm is ours to choose, never the token's), only our own keys
/// by `kid`, and no header that points at a key elsewhere (§3.10: `jku`, `jwk`, `x5u`, `x5c`).
/// Claims (exp, iss, aud) are the caller's job.
extension RS256Signer {
    /// Tokens longer than this are refused before any decoding (a cheap bound on work).
    static let maximumTokenLength = 64 * 1024
    /// Headers that would let the token choose its own verification key.
    static let forbiddenHeaders = ["jku", "jwk", "x5u", "x5c"]

    public func verify(_ compact: String) throws(TokenVerificationError) -> VerifiedJWS {
        guard compact.utf8.count <= Self.maximumTokenLength else { throw .malformed }
        let parts = compact.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3,
              let headerBytes = Base64URL.decode(parts[0]),
              let payload = Base64URL.decode(parts[1]),
              let signature = Base64URL.decode(parts[2])
        else { throw .malformed }
        let header = try Self.parseHeader(headerBytes)

        // RFC 8725 §3.1: refuse `none`, HS256 (key confusion) and anything else.
        guard let algorithm = header["alg"] else { throw .malformed }
        guard algorithm == "RS256" else { throw .unsupportedAlgorithm(algorithm) }
        // A token without `kid`, or with one we never published, is not ours.
        guard let kid = header["kid"], let key = keysByID[kid] else { throw .unknownKey }

        let signingInput = Array(parts[0].utf8) + [UInt8(ascii: ".")] + Array(parts[1].utf8)
        guard key.verifyRS256(signature, for: signingInput) else { throw .badSignature }
        return VerifiedJWS(header: header, payload: payload)
    }

    /// The protected header as a JSON object of strings.
    ///
    /// RFC 8725 §3.10 / RFC 7515 §4.1.2–4.1.6: a header naming a key elsewhere is refused
    /// whatever its value's type (`jwk` is an object, `x5c` an array), before anything else.
    /// Any other non-string value (a number, a `crit` list, `b64: false`) is malformed: we
    /// understand no header that is not a string.
    static func parseHeader(_ bytes: [UInt8]) throws(TokenVerificationError) -> [String: String] {
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)),
              let dictionary = object as? [String: Any]
        else { throw .malformed }
        if let name = forbiddenHeaders.first(where: { dictionary[$0] != nil }) {
            throw .forbiddenHeader(name)
        }
        var header: [String: String] = [:]
        for (name, value) in dictionary {
            guard let text = value as? String else { throw .malformed }
            header[name] = text
        }
        return header
    }
}
