import Foundation
import GatehouseCore
import GatehouseWeb
import GatehouseTesting
import HummingbirdTesting
import Testing

/// The parameters the review broke out of their attributes with a combining mark (swift-mustache
/// 2.1.1 escapes per grapheme: `"` + U+0301 is one character it did not know), sent through the
/// real pages. Every value must come back escaped scalar by scalar, and a NUL is refused first.
@Suite("Every value on every page is escaped, combining marks included (issue 8, item 7)")
struct EscapingThroughPagesTests {
    /// Each payload and what the page must print for it.
    static let payloads: [(raw: String, escaped: String)] = [
        ("\"\u{301}", "&quot;\u{301}"), (">\u{301}", "&gt;\u{301}"), ("<", "&lt;"), ("&", "&amp;"), ("'", "&#39;"),
        ("\"\u{301} autofocus onfocus=alert(1) x=\"\u{301}", "&quot;\u{301} autofocus onfocus=alert(1) x=&quot;\u{301}"),
    ]
    static let controlRefusal = "holds a control character (NUL, or a C0 control other than tab and line breaks)"

    @Test("/logout: state, post_logout_redirect_uri and client_id on the confirmation page")
    func logout() async throws {
        try await withProvider { _, browser in
            for (raw, escaped) in Self.payloads {
                let page = try await browser.get("/logout?" + FormEncoding.encode([
                    ("state", "s\(raw)x"), ("post_logout_redirect_uri", "https://app.test/bye?\(raw)"), ("client_id", "c\(raw)x")]))
                #expect(page.status == .ok)
                expectBytes(page.text, contain: #"<input type="hidden" name="state" value="s\#(escaped)x">"#)
                expectBytes(page.text, contain: #"<input type="hidden" name="post_logout_redirect_uri" value="https://app.test/bye?\#(escaped)">"#)
                expectBytes(page.text, contain: #"<input type="hidden" name="client_id" value="c\#(escaped)x">"#)
                expectBytes(page.text, lack: "s\(raw)x")
            }
            for name in ["state", "post_logout_redirect_uri", "client_id"] {
                let refused = try await browser.get("/logout?" + FormEncoding.encode([(name, "a\u{0}b")]))
                #expect(refused.status == .badRequest)
                #expect(refused.text.contains("the value of \(name) \(Self.controlRefusal)"))
            }
        }
    }

    @Test("/authorize: login_hint in the login form, state in a form_post response")
    func authorizeParameters() async throws {
        try await withProvider { provider, browser in
            let client = try await provider.makeClient()
            let rp = TestRelyingParty(provider: provider, client: client, browser: browser)
            for (raw, escaped) in Self.payloads {
                var request = TestRelyingParty.Request()
                request.extra = [("login_hint", "h\(raw)x@example.test")]
                let login = try await browser.get(try #require(try await browser.get(rp.authorizeURL(request)).location))
                #expect(login.status == .ok)
                expectBytes(login.text, contain: #"required value="h\#(escaped)x@example.test">"#)
                expectBytes(login.text, lack: "h\(raw)x")

                var formPost = TestRelyingParty.Request()
                formPost.state = "s\(raw)x"
                formPost.extra = [("response_mode", "form_post"), ("prompt", "none")]
                let page = try await browser.get(rp.authorizeURL(formPost))
                #expect(page.status == .ok)
                expectBytes(page.text, contain: #"<input type="hidden" name="error" value="login_required">"#)
                expectBytes(page.text, contain: #"<input type="hidden" name="state" value="s\#(escaped)x">"#)
                expectBytes(page.text, lack: "s\(raw)x")
            }
            for name in ["login_hint", "state", "client_id"] {
                var request = TestRelyingParty.Request()
                request.extra = [(name, "a\u{0}b")]
                let refused = try await browser.get(rp.authorizeURL(request))
                #expect(refused.status == .badRequest)
                #expect(refused.text.contains("the value of \(name) \(Self.controlRefusal)"))
            }
        }
    }

    @Test("/register and /forgot-password: a request id that is not one is refused, never printed")
    func requestID() async throws {
        try await withProvider { _, browser in
            for path in ["/register", "/forgot-password", "/login"] {
                for (raw, _) in Self.payloads + [("\u{0}", "")] {
                    let page = try await browser.get(path + "?" + FormEncoding.encode([("request", "r\(raw)x")]))
                    #expect(page.status == .badRequest, "\(path)")
                    expectBytes(page.text, lack: "r\(raw)x")
                    expectBytes(page.text, lack: #"name="request""#)
                }
            }
            let refused = try await browser.get("/register?request=" + String(repeating: "A", count: 42) + "%22")
            #expect(refused.status == .badRequest)
            #expect(refused.text.contains("This page&#39;s link is broken: it names a sign-in this server did not start. Go back to the application and start again."))
        }
    }

    @Test("/register: the name and email typed are shown again escaped")
    func registrationEcho() async throws {
        try await withProvider { _, browser in
            for (raw, escaped) in Self.payloads {
                let page = try await browser.register(email: "e\(raw)x", password: "short", name: "n\(raw)x")
                #expect(page.status == .badRequest)
                expectBytes(page.text, contain: #"maxlength="200" value="n\#(escaped)x">"#)
                expectBytes(page.text, contain: #"maxlength="254" value="e\#(escaped)x">"#)
                expectBytes(page.text, lack: "n\(raw)x")
                expectBytes(page.text, lack: "e\(raw)x")
            }
            let refused = try await browser.register(email: "a@example.test", password: strongPassword, name: "a\u{0}b")
            #expect(refused.status == .badRequest)
            #expect(refused.text.contains("the value of name \(Self.controlRefusal)"))
        }
    }
}

/// Compares UTF-8 bytes: String's own search matches whole graphemes, which a combining mark changes.
func expectBytes(_ text: String, contain needle: String, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(Array(text.utf8).firstRange(of: Array(needle.utf8)) != nil, "missing \(needle.debugDescription)", sourceLocation: sourceLocation)
}

func expectBytes(_ text: String, lack needle: String, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(Array(text.utf8).firstRange(of: Array(needle.utf8)) == nil, "found \(needle.debugDescription)", sourceLocation: sourceLocation)
}
