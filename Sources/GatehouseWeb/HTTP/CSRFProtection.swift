import GatehouseCore
import Hummingbird

/// CSRF tokens for every form (OWASP "signed double-submit cookie", bound to the session): the
/// browser holds a random `gh_csrf` cookie, and each form carries HMAC(key, cookie ‖ binding),
/// where the binding is the state the form acts in — the browser's session, or before there is
/// one its pending second-factor sign-in — and the pending authorization request the form names
/// (its `request` field). So a token is refused for another session, another pending sign-in or
/// another authorization request than the page it came from was shown for, and a token an
/// attacker made for a cookie they planted does not verify for the victim's session, which they
/// cannot know. The key is shared by every instance (`instance_secrets`).
struct CSRFProtection {
    let key: [UInt8]
    let crypto: any CryptoPrimitives
    let secureCookies: Bool

    /// What a token is bound to.
    enum Scope {
        /// The session or pending sign-in, and the authorization request: every form but one.
        case signInState
        /// The CSRF cookie alone: only the sign-out confirmation, which is shown in answer to a
        /// relying party's cross-site POST to `/logout` (it arrives without the SameSite=Lax
        /// session cookie, so there is no session to bind to) and confirmed by a same-site POST
        /// that has one. A forged confirmation could at most sign someone out, and the
        /// `__Host-` prefix keeps other hosts from planting the cookie.
        case browser
    }

    static let fieldName = "csrf_token"
    /// The form field that names the pending authorization request a form acts for.
    static let requestField = "request"

    /// The token for the forms of the page answering `request` (forms for the pending
    /// authorization request `requestID`, if they carry one), and the CSRF cookie to set when
    /// the browser had none.
    func issue(for request: Request, requestID: String? = nil, scope: Scope = .signInState) -> IssuedCSRFToken {
        let (value, toSet) = cookie(for: request)
        let bound = scope == .browser ? [] : binding(of: request, requestID: requestID)
        return IssuedCSRFToken(value: token(cookie: value, binding: bound), cookie: toSet)
    }

    /// Whether the form's token was issued to this browser, in its current session (or pending
    /// sign-in), for the authorization request the form names (constant time).
    func isValid(_ request: Request, form: RequestParameters, scope: Scope = .signInState) -> Bool {
        guard let cookie = BrowserCookies.value(BrowserCookies.csrf, in: request, secure: secureCookies),
              let presented = form[Self.fieldName] else { return false }
        let bound = scope == .browser ? [] : binding(of: request, requestID: form[Self.requestField])
        let expected = token(cookie: cookie, binding: bound)
        return ConstantTime.equals(expected, presented)
    }

    /// The browser's CSRF cookie value, and a cookie to set when it had none.
    func cookie(for request: Request) -> (value: String, toSet: Cookie?) {
        if let existing = BrowserCookies.value(BrowserCookies.csrf, in: request, secure: secureCookies),
           Base64URL.decode(existing)?.count == 32 {
            return (existing, nil)
        }
        let fresh = crypto.randomToken()
        return (fresh, BrowserCookies.make(BrowserCookies.csrf, value: fresh, maxAge: nil, secure: secureCookies))
    }

    /// What a token is bound to besides the cookie. The session cookie's value is a secret of the
    /// browser (it never leaves the MAC); a sign-in in another tab replaces it, and the form
    /// shown before then asks to be reloaded.
    func binding(of request: Request, requestID: String?) -> [(String, String)] {
        var parts: [(String, String)] = []
        if let session = BrowserCookies.value(BrowserCookies.session, in: request, secure: secureCookies) {
            parts.append(("session", session))
        } else if let signIn = BrowserCookies.value(SecondFactorGate.cookie, in: request, secure: secureCookies) {
            parts.append(("sign_in", signIn))
        }
        // A support session's pages bind to it too: a form shown as the user does not post as the
        // administrator once it ended, nor the other way round.
        if let support = BrowserCookies.value(BrowserCookies.support, in: request, secure: secureCookies) {
            parts.append(("support", support))
        }
        if let requestID, !requestID.isEmpty { parts.append(("request", requestID)) }
        return parts
    }

    func token(cookie: String, binding: [(String, String)]) -> String {
        let message = "csrf:" + FormEncoding.encode([("cookie", cookie)] + binding)
        return Base64URL.encode(crypto.hmacSHA256(key: key, message: Array(message.utf8)))
    }
}

/// A CSRF token for the forms of one page, and the CSRF cookie to set with the page when the
/// browser had none.
struct IssuedCSRFToken {
    let value: String
    let cookie: Cookie?

    /// The cookies the page's response must set (none, or the new CSRF cookie).
    var cookies: [Cookie] { cookie.map { [$0] } ?? [] }
}
