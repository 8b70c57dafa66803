import Foundation

/// Reads the subject of an ID token we issued, for `id_token_hint` (OIDC Core §3.1.2.1) and
/// RP-initiated logout. The signature and issuer must check out; expiry does not matter.
public struct IDTokenHintReader: Sendable {
    let verifier: any TokenVerifier
    let issuer: String

    public init(verifier: any TokenVerifier, issuer: String) {
        self.verifier = verifier
        self.issuer = issuer
    }

    public func subject(of token: String) -> String? {
        claims(of: token)?.sub
    }

    public func claims(of token: String) -> IDTokenClaims? {
        guard let verified = try? verifier.verify(token), verified.type == "JWT",
              let claims = try? JSONDecoder().decode(IDTokenClaims.self, from: Data(verified.payload)),
              claims.iss == issuer else { return nil }
        return claims
    }
}
