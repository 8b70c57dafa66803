/// The longest value, in UTF-8 bytes, of each authorization request parameter Gatehouse reads
/// (OIDC Core §3.1.2.1 names them; RFC 6749 sets no size). What is read may be stored for the
/// length of a sign-in (`PendingAuthorization`, 30 minutes in Redis), so the sizes are capped
/// before anything is looked up or stored: together they bound a pending request to a few KB
/// (`PendingAuthorizationBudget` bounds how many are kept). The caps leave ample room for real
/// clients: `state` often carries an encoded return path, an `id_token_hint` is a whole JWT.
/// Parameters Gatehouse does not read are ignored and never stored (the body limit bounds them).
public enum AuthorizationParameterLimits {
    public static let maxBytes: [String: Int] = [
        "client_id": 256,
        "redirect_uri": 2048,
        "response_type": 64,
        "response_mode": 32,
        "scope": 2048,
        "state": 2048,
        "nonce": 512,
        "code_challenge": 128,
        "code_challenge_method": 16,
        "prompt": 64,
        "max_age": 16,
        "login_hint": 512,
        "id_token_hint": 8192,
        "acr_values": 512,
        "ui_locales": 256,
        "claims_locales": 256,
        "display": 32,
        "request": 8192,
        "request_uri": 2048,
        // An organization's id (36) or slug (at most 63).
        "organization": 64,
    ]

    /// The first parameter (in request order) whose value exceeds its cap, with the cap. The name
    /// is this table's own string, so the page that reports it prints nothing of the request.
    public static func firstOverLimit(_ parameters: RequestParameters) -> (name: String, limit: Int)? {
        for pair in parameters.pairs {
            if let entry = maxBytes.index(forKey: pair.name).map({ maxBytes[$0] }), pair.value.utf8.count > entry.value {
                return (entry.key, entry.value)
            }
        }
        return nil
    }
}
