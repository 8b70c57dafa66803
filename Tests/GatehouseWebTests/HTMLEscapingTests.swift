import Foundation
import GatehouseTestingStack
@testable import GatehouseWeb
import Testing

/// The one HTML escaping (`HTMLEscaping.escape`) and how `PageRenderer` applies it to every value.
@Suite("HTML escaping on Unicode scalars, for every value a page or an HTML mail prints")
struct HTMLEscapingTests {
    @Test("every HTML-special character becomes a character reference, and so do the template braces")
    func specials() {
        #expect(HTMLEscaping.escape(#"&<>"'{}"#) == "&amp;&lt;&gt;&quot;&#39;&#123;&#125;")
        #expect(HTMLEscaping.escape(#"a "quoted" <b>bold</b> & 'single'"#)
                == "a &quot;quoted&quot; &lt;b&gt;bold&lt;/b&gt; &amp; &#39;single&#39;")
        #expect(HTMLEscaping.escape("{{title}}") == "&#123;&#123;title&#125;&#125;")
    }

    /// swift-mustache 2.1.1 looks each `Character` up in its table; `"` + U+0301 is one
    /// character that is not in it, so it came out raw (the class of CVE-2026-27120).
    @Test("a combining mark after a special character does not hide it (one grapheme, two scalars)")
    func combiningMarks() {
        #expect(HTMLEscaping.escape("\"\u{301}") == "&quot;\u{301}")
        #expect(HTMLEscaping.escape(">\u{301}") == "&gt;\u{301}")
        #expect(HTMLEscaping.escape("<\u{301}") == "&lt;\u{301}")
        #expect(HTMLEscaping.escape("&\u{301}") == "&amp;\u{301}")
        #expect(HTMLEscaping.escape("'\u{301}\u{302}") == "&#39;\u{301}\u{302}")
        #expect(HTMLEscaping.escape("x\"\u{301} onmouseover=alert(1) x=\"\u{20DD}")
                == "x&quot;\u{301} onmouseover=alert(1) x=&quot;\u{20DD}")
        // A prepended mark (U+0600) joins the next character into one grapheme too.
        #expect(HTMLEscaping.escape("\u{600}\"") == "\u{600}&quot;")
        #expect(HTMLEscaping.escape("\r\n<") == "\r\n&lt;")
    }

    @Test("NUL and the other controls an HTML parser reports become U+FFFD; tab, line breaks and form feed stay")
    func controls() {
        #expect(HTMLEscaping.escape("a\u{0}b") == "a\u{FFFD}b")
        #expect(HTMLEscaping.escape("\u{1}\u{8}\u{B}\u{1B}\u{1F}\u{7F}\u{80}\u{9F}") == String(repeating: "\u{FFFD}", count: 8))
        #expect(HTMLEscaping.escape("a\tb\nc\u{C}d\re") == "a\tb\nc\u{C}d\re")
        #expect(HTMLEscaping.escape("\u{0}\"\u{301}") == "\u{FFFD}&quot;\u{301}")
    }

    @Test("text with nothing to escape comes back as it is, in any script")
    func plain() {
        for text in ["", "Grace Hopper", "Zoë Ångström", "東京", "😀👩‍👩‍👧", "e\u{301}", "\u{A0}\u{A0}", "a/b?c=d;e"] {
            #expect(Array(HTMLEscaping.escape(text).unicodeScalars) == Array(text.unicodeScalars), "\(text)")
        }
    }

    /// Every value of a real page goes through the one function, whatever its shape.
    @Test("a rendered page escapes every value: top level, optional, in a list, in a nested struct, and in a section")
    func renderedValues() async throws {
        let pages = try await PageRenderer(directory: TestServices.repositoryRoot.appendingPathComponent("templates").path)
        let evil = "\"\u{301}><img src=x onerror=alert(1)>'&{{title}}\u{0}"
        let escaped = "&quot;\u{301}&gt;&lt;img src=x onerror=alert(1)&gt;&#39;&amp;&#123;&#123;title&#125;&#125;\u{FFFD}"

        let form = try pages.render(FormPostView(action: "https://app.test/cb?x=" + evil,
                                                 fields: [FormPostView.Field(name: "state", value: evil)]))
        #expect(form.contains(#"<form method="post" action="https://app.test/cb?x=\#(escaped)" id="response">"#))
        #expect(form.contains(#"<input type="hidden" name="state" value="\#(escaped)">"#))

        let logout = try pages.render(LogoutConfirmView(csrfToken: "t", email: evil, idTokenHint: nil, postLogoutRedirectURI: evil,
                                                        state: evil, clientID: nil))
        #expect(logout.contains(#"<p class="lead">You are signed in as \#(escaped).</p>"#))
        #expect(logout.contains(#"<input type="hidden" name="post_logout_redirect_uri" value="\#(escaped)">"#))
        #expect(logout.contains(#"<input type="hidden" name="state" value="\#(escaped)">"#))

        let consent = try pages.render(ConsentView(csrfToken: "t", requestID: "r", clientName: evil, userEmail: "a@b.test",
                                                   scopes: [ConsentView.ScopeLine(name: "openid", explanation: evil)]))
        #expect(consent.contains(escaped))
        for page in [form, logout, consent] {
            expectBytes(page, lack: "\"\u{301}")   // a raw quote with its combining mark
            #expect(!page.contains("<img"))
            #expect(!page.contains("\u{0}"))
            #expect(!page.contains("{{"), "a value read as a template tag")
        }
    }

    @Test("plain-text mail is not HTML-escaped; its HTML part is")
    func mailParts() async throws {
        let pages = try await PageRenderer(directory: TestServices.repositoryRoot.appendingPathComponent("templates").path)
        let view = MailComposer.NoticeMail(serviceName: "Gatehouse", subject: "S", message: #"Tom & "Jerry" <tj@example.test>"#,
                                           resetURL: "https://id.test/forgot-password?a=1&b=2")
        let text = try pages.render(view, template: "mail/notice_text")
        let html = try pages.render(view, template: "mail/notice_html")
        #expect(text.contains(#"Tom & "Jerry" <tj@example.test>"#))
        #expect(text.contains("https://id.test/forgot-password?a=1&b=2"))
        #expect(html.contains("Tom &amp; &quot;Jerry&quot; &lt;tj@example.test&gt;"))
        #expect(html.contains(#"href="https://id.test/forgot-password?a=1&amp;b=2""#))
    }
}
