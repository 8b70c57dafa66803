import Hummingbird

/// A cookie of Gatehouse's pages, by the name the code knows it by. Its name on the wire depends
/// on the issuer (`BrowserCookies.wireName`), so it is read and written only through
/// `BrowserCookies`: `request.cookies[...]` does not take one, and cannot read it by mistake
/// under the wrong name.
struct BrowserCookie: Sendable, Hashable {
    let name: String
}

/// The cookies Gatehouse's pages use: HttpOnly, SameSite=Lax, Path=/, no Domain, Secure on https
/// (DESIGN.md). On an https issuer their names carry the `__Host-` prefix (RFC 6265bis §4.1.3.2):
/// a browser keeps such a cookie only when this very host set it with Secure, Path=/ and no
/// Domain, so a sibling subdomain or a plain-http page on the path cannot plant or overwrite a
/// session, CSRF or pending sign-in cookie. A plain-named cookie arriving at an https issuer
/// (which anyone able to set cookies for the parent domain could have written) is ignored.
/// Browsers refuse the prefix without Secure, so an http issuer (development on loopback) keeps
/// the plain names.
enum BrowserCookies {
    static let session = BrowserCookie(name: "gh_session")
    static let csrf = BrowserCookie(name: "gh_csrf")
    static let demo = BrowserCookie(name: "gh_demo")
    /// A support session (`SupportSignIn`): beside the administrator's own `gh_session`, which it
    /// outranks while it lives; ending it leaves the administrator signed in as themselves.
    static let support = BrowserCookie(name: "gh_support")

    static let hostPrefix = "__Host-"

    /// The name the cookie has in `Cookie` and `Set-Cookie` headers.
    static func wireName(_ cookie: BrowserCookie, secure: Bool) -> String {
        secure ? hostPrefix + cookie.name : cookie.name
    }

    static func make(_ cookie: BrowserCookie, value: String, maxAge: Int?, secure: Bool) -> Cookie {
        Cookie(name: wireName(cookie, secure: secure), value: value, maxAge: maxAge, path: "/", secure: secure, httpOnly: true,
               sameSite: .lax)
    }

    static func expired(_ cookie: BrowserCookie, secure: Bool) -> Cookie {
        Cookie(name: wireName(cookie, secure: secure), value: "", maxAge: 0, path: "/", secure: secure, httpOnly: true,
               sameSite: .lax)
    }

    /// The cookie's value in `request`, read under its wire name only.
    static func value(_ cookie: BrowserCookie, in request: Request, secure: Bool) -> String? {
        request.cookies[wireName(cookie, secure: secure)]?.value
    }
}

/// `BrowserCookies` with this issuer's naming and `Secure` flag decided once: what pages and the
/// sign-in flow read and set cookies through.
struct IssuerCookies: Sendable {
    /// Secure cookies (and `__Host-` names) exactly when the issuer is https (DESIGN.md, hosted pages).
    let secure: Bool

    init(issuer: String) {
        secure = issuer.hasPrefix("https://")
    }

    /// This browser's value of one of our cookies.
    func value(_ cookie: BrowserCookie, in request: Request) -> String? {
        BrowserCookies.value(cookie, in: request, secure: secure)
    }

    func make(_ cookie: BrowserCookie, value: String, maxAge: Int?) -> Cookie {
        BrowserCookies.make(cookie, value: value, maxAge: maxAge, secure: secure)
    }

    func expired(_ cookie: BrowserCookie) -> Cookie {
        BrowserCookies.expired(cookie, secure: secure)
    }

    /// Expires `cookie` on `response` unless the response already sets it (a step that ended
    /// one pending state and began the next in the same answer keeps the new one).
    func expire(_ cookie: BrowserCookie, on response: inout Response) {
        let prefix = BrowserCookies.wireName(cookie, secure: secure) + "="
        guard !response.headers[values: .setCookie].contains(where: { $0.hasPrefix(prefix) }) else { return }
        response.setCookie(expired(cookie))
    }
}
