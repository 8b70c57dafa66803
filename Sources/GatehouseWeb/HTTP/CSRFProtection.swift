import GatehouseCore
import Hummingbird

/// CSRF tokens for every form (OWASP "signed double-submit cookie"): the browser holds a random
/// `gh_csrf` cookie and each form carries HMAC(key, cookie). An attacker can neither read the
/// cookie nor forge the MAC without the deployment's key, even if it can plant a cookie.
struct CSRFProtection {
    let key: [UInt8]
    let crypto: any CryptoPrimitives
    let secureCookies: Bool

    static let fieldName = "csrf_token"

    /// The browser's CSRF cookie value, and a cookie to set when it had none.
    func cookie(for request: Request) -> (value: String, toSet: Cookie?) {
        if let existing = request.cookies[BrowserCookies.csrf]?.value, Base64URL.decode(existing)?.count == 32 {
            return (existing, nil)
        }
        let fresh = crypto.randomToken()
        return (fresh, BrowserCookies.make(BrowserCookies.csrf, value: fresh, maxAge: nil, secure: secureCookies))
    }

    func token(forCookie value: String) -> String {
        Base64URL.encode(crypto.hmacSHA256(key: key, message: Array(("csrf:" + value).utf8)))
    }

    /// Whether the form's token belongs to this browser's cookie (constant time).
    func isValid(_ request: Request, form: RequestParameters) -> Bool {
        guard let cookie = request.cookies[BrowserCookies.csrf]?.value, let presented = form[Self.fieldName] else {
            return false
        }
        return ConstantTime.equals(token(forCookie: cookie), presented)
    }
}
