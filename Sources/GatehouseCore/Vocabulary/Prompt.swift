/// OIDC Core §3.1.2.1 `prompt` values Gatehouse supports.
public enum Prompt: String, Sendable, Codable, Hashable {
    case none, login, consent, selectAccount = "select_account"
}
