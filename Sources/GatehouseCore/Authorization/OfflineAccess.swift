/// When a grant brings a refresh token (OIDC Core §11): only when the user consented to
/// `offline_access` — the consent page names it in words, and a remembered consent covers it
/// only when it was approved by name — and the client is registered for the `refresh_token`
/// grant. Gatehouse asks for consent itself for every scope not yet approved, which is the
/// "other condition" §11 allows in place of `prompt=consent`; so `offline_access` is honoured
/// without `prompt=consent`, and never without the user's approval.
public enum OfflineAccess {
    /// Whether an authorization with these (consented) scopes gives `client` a refresh token.
    public static func grantsRefreshToken(scopes: [String], client: Client) -> Bool {
        client.allows(.refreshToken) && scopes.contains(Scope.offlineAccess)
    }

    /// Whether `client` may be granted the `offline_access` scope at all: a client that cannot
    /// use refresh tokens never has it asked on the consent page, so the page never promises a
    /// connection the app cannot keep.
    public static func isAvailable(to client: Client) -> Bool {
        client.allows(.refreshToken)
    }
}
