import GatehouseCore
import HTTPTypes

/// HTTP input refused before any protocol logic sees it (`FormBody`, the sign-in pages' `request`
/// id). Worded here, once, for both answers a route gives: `error_description` with
/// `invalid_request` at the OAuth endpoints, the "Invalid request" page on the others. The words
/// are fixed; a parameter is named only when it is one Gatehouse reads, so a refusal never
/// repeats what the request made up.
enum WebInputError: Error, Equatable {
    case notFormEncoded
    case bodyTooLarge(limit: Int)
    case unreadableBody
    case queryTooLong(limit: Int)
    case undecodable(FormDecodingError)
    /// The `request` id of a sign-in page is not one `/authorize` could have made.
    case brokenSignInLink

    var status: HTTPResponse.Status {
        switch self {
        case .bodyTooLarge: return .contentTooLarge
        case .notFormEncoded, .unreadableBody, .queryTooLong, .undecodable, .brokenSignInLink: return .badRequest
        }
    }

    var description: String {
        switch self {
        case .notFormEncoded: return "the body must be application/x-www-form-urlencoded"
        case .bodyTooLarge(let limit): return "the body is larger than \(limit) bytes"
        case .unreadableBody: return "the body could not be read"
        case .queryTooLong(let limit): return "the query string is longer than \(limit) bytes"
        case .undecodable(let error):
            let subject: String
            if let parameter = error.parameter {
                subject = Self.isNamed(parameter) ? "the value of \(parameter)" : "a parameter value"
            } else {
                subject = "a parameter name"
            }
            switch error.problem {
            case .badEscape: return "\(subject) has a '%' that is not followed by two hex digits"
            case .notUTF8: return "\(subject) is not UTF-8"
            case .controlCharacter: return "\(subject) holds a control character (NUL, or a C0 control other than tab and line breaks)"
            }
        case .brokenSignInLink:
            return "This page's link is broken: it names a sign-in this server did not start. Go back to the application and start again."
        }
    }

    /// Whether a refusal may name `parameter`: one of the protocol's parameters or a field of
    /// Gatehouse's own pages (their forms and links). Any other name is the request's invention.
    static func isNamed(_ parameter: String) -> Bool {
        ParameterName(rawValue: parameter) != nil || pageFields.contains(parameter)
    }

    /// The fields of the hosted pages' forms (every control in `templates/`, a test checks) and
    /// the parameters of their links.
    static let pageFields: Set<String> = [
        "accept_terms", "client", "confirm", "csrf_token", "current_password", "decision", "email", "enrolment",
        "family_name", "given_name", "method", "name", "password", "picture", "session", "ticket", "username",
        "done", "expired", "problem", "error", "error_description", "iss",
        // The organization picker's and the people page's search (`?q=`).
        "q",
        // The organization page (its forms and its members' next page) and the people page
        // (its invite form and its organizations' next page).
        "invitation", "role", "second_factor", "members_after", "organization_name", "after",
        // The account page's sessions' next page.
        "sessions_after",
        // The console's user directory (`/admin/users`: filters, order, page) and a user's sessions.
        "organization", "mfa", "order", "cursor",
        // Closing one's account (`/account/delete`): deactivate or erase.
        "choice",
        // The console's erasure, confirmed by typing the account's email.
        "confirm_email",
        // The console's clients (`/admin/clients`: register, settings, a new secret, delete).
        "kind", "redirect_uris", "post_logout_redirect_uris", "grant_type", "scopes", "require_mfa", "access_token_lifetime",
        "refresh_token_idle_lifetime", "refresh_token_absolute_lifetime", "revision", "grace_hours",
        // The API keys page's create form (its `name` and `scope` are named above).
        "days",
        // The console's audit trail (`/admin/audit`: its filters; `client`, `organization` and `cursor` are named above).
        "actor", "subject", "type", "from", "to",
        // Support sign-in's form on a user's console page.
        "reason",
        // The console's bulk actions (`/admin/users`' tick boxes and action form; a job's results: `status`, `after`; the jobs' list: `before`).
        "user", "everyone", "filter_q", "filter_organization", "filter_role", "filter_mfa", "target_organization", "target_role",
        "status", "before",
        // The console's imports (`/admin/imports`: its multipart form; `kind` is named above).
        "format", "source", "file", "data",
    ]
}
