/// How the authorization response travels back (OAuth 2.0 Multiple Response Types / Form Post).
public enum ResponseMode: String, Sendable, Codable {
    case query
    case formPost = "form_post"
}
