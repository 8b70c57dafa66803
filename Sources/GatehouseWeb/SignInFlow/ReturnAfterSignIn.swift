import Hummingbird

/// Where a sign-in without an authorization request goes when it finishes: the console page
/// that sent the browser to sign in (or to prove a second factor), else the account page. The
/// place travels in a short-lived HttpOnly cookie set by the page that asked, and only a path
/// of the console is ever taken from it, so it cannot send anyone off-site.
enum ReturnAfterSignIn {
    static let cookie = BrowserCookie(name: "gh_return")
    /// Long enough for a sign-in with a second factor and an enrolment.
    static let lifetimeSeconds = 900

    /// `path` when it is a console path safe to redirect to; nil otherwise.
    static func accepted(_ path: String?) -> String? {
        guard let path, path == "/admin" || path.hasPrefix("/admin/") || path.hasPrefix("/admin?"), path.utf8.count <= 2_000,
              !path.contains("//"), !path.contains("\\"),
              path.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F }) else { return nil }
        return path
    }

    /// The cookie that brings the browser back to `path` after signing in.
    static func remember(_ path: String, cookies: IssuerCookies) -> Cookie {
        cookies.make(cookie, value: accepted(path) ?? "/admin", maxAge: lifetimeSeconds)
    }
}
