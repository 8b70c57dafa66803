import Hummingbird

/// The cookies Gatehouse's pages use: HttpOnly, SameSite=Lax, Secure on https (DESIGN.md).
enum BrowserCookies {
    static let session = "gh_session"
    static let csrf = "gh_csrf"
    static let demo = "gh_demo"

    static func make(_ name: String, value: String, maxAge: Int?, secure: Bool) -> Cookie {
        Cookie(name: name, value: value, maxAge: maxAge, path: "/", secure: secure, httpOnly: true, sameSite: .lax)
    }

    static func expired(_ name: String, secure: Bool) -> Cookie {
        Cookie(name: name, value: "", maxAge: 0, path: "/", secure: secure, httpOnly: true, sameSite: .lax)
    }
}
