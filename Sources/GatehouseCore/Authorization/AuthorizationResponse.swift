/// The parameters sent back to the client (RFC 6749 §4.1.2, §4.1.2.1), always with `iss`
/// (RFC 9207) and `state` byte for byte.
public enum AuthorizationResponse {
    public static func success(code: String, state: String?, issuer: String) -> [(String, String)] {
        var pairs = [("code", code)]
        if let state { pairs.append(("state", state)) }
        pairs.append(("iss", issuer))
        return pairs
    }

    public static func failure(_ error: OAuthError, state: String?, issuer: String) -> [(String, String)] {
        var pairs = [("error", error.code.rawValue), ("error_description", error.description)]
        if let state { pairs.append(("state", state)) }
        pairs.append(("iss", issuer))
        return pairs
    }
}
