import Foundation
import GatehouseCore
import GatehouseTesting
import GatehouseWeb
import Testing

@Suite("Client credentials from HTTP Basic (RFC 7617, RFC 6749 §2.3.1) or the form")
struct ClientCredentialsTests {
    let notBasic = OAuthError(.invalidClient, .malformedBasicCredentials)
    let twoMethods = OAuthError(.invalidRequest, .twoAuthenticationMethods)
    let otherClient = OAuthError(.invalidRequest, .clientIDMismatch)
    let required = OAuthError(.invalidClient, .clientAuthenticationRequired)

    func basic(_ credentials: String, scheme: String = "Basic ") -> String {
        scheme + Data(credentials.utf8).base64EncodedString()
    }

    func from(_ header: String?, _ form: [(String, String)] = []) -> Result<ClientCredentials, OAuthError> {
        Result { () throws(OAuthError) in
            try ClientCredentials(authorization: header, form: RequestParameters(form.map { (name: $0.0, value: $0.1) }))
        }
    }

    func basic(_ id: String, _ secret: String) -> Result<ClientCredentials, OAuthError> {
        .success(ClientCredentials(clientID: id, secret: secret, method: .basic))
    }

    @Test("the scheme is case-insensitive and whitespace around the token is ignored")
    func scheme() {
        for scheme in ["Basic ", "basic ", "BASIC ", "bAsIc ", "Basic   ", "Basic \t "] {
            #expect(from(basic("app:secret", scheme: scheme)) == basic("app", "secret"), "\(scheme)")
        }
        #expect(from(basic("app:secret") + " \t ") == basic("app", "secret"))
        #expect(from("Basic \u{A0}" + Data("app:secret".utf8).base64EncodedString() + "\u{2003}") == basic("app", "secret"),
                "Unicode spaces trimmed as Foundation's CharacterSet.whitespaces did")
    }

    @Test("id and secret are form-encoded and split at the first ':'")
    func encoding() {
        #expect(from(basic("app:s%3Acret")) == basic("app", "s:cret"))
        #expect(from(basic("my%3Aapp:a:b")) == basic("my:app", "a:b"))
        #expect(from(basic("app+1:s+%2B")) == basic("app 1", "s +"))
        #expect(from(basic("app:")) == basic("app", ""), "an empty secret is presented as such")
        #expect(from(basic("caf%C3%A9:é")) == basic("café", "é"))
        #expect(from(basic("\u{FEFF}app:x")) == basic("app", "x"), "a leading BOM is dropped, as String(data:encoding:) did")
    }

    @Test("malformed Basic credentials are invalid_client")
    func malformed() {
        #expect(from(basic("no-colon")) == .failure(notBasic))
        #expect(from(basic(":secret")) == .failure(notBasic), "empty id")
        #expect(from(basic("app:%zz")) == .failure(notBasic))
        #expect(from(basic("%FF:x")) == .failure(notBasic))
        #expect(from("Basic !!!") == .failure(notBasic))
        #expect(from("Basic YXBwOnNlY3JldA") == .failure(notBasic), "unpadded")
        #expect(from("Basic ") == .failure(notBasic))
        #expect(from("Basic " + "/w==") == .failure(notBasic), "not UTF-8")
        #expect(from("Basic YXBw OnNlY3JldA==") == .failure(notBasic))
    }

    @Test("with Basic, a form client_id must name the same client and a client_secret is a second method")
    func withForm() {
        let header = basic("app:secret")
        #expect(from(header, [("client_id", "app")]) == basic("app", "secret"))
        #expect(from(header, [("client_id", "")]) == basic("app", "secret"), "an empty value counts as absent")
        #expect(from(header, [("client_id", "other")]) == .failure(otherClient))
        #expect(from(header, [("client_secret", "secret")]) == .failure(twoMethods))
        #expect(from(header, [("client_id", "app"), ("client_secret", "secret")]) == .failure(twoMethods))
        #expect(from("Basic !!!", [("client_secret", "x")]) == .failure(twoMethods), "checked before the header is read")
    }

    @Test("without Basic: client_secret_post, a public client, or nothing")
    func formOnly() {
        #expect(from(nil, [("client_id", "app"), ("client_secret", "s")]) == .success(ClientCredentials(clientID: "app", secret: "s", method: .post)))
        #expect(from(nil, [("client_id", "app")]) == .success(ClientCredentials(clientID: "app", secret: nil, method: .none)))
        #expect(from(nil) == .failure(required))
        #expect(from("Bearer abc", [("client_id", "app")]) == .success(ClientCredentials(clientID: "app", secret: nil, method: .none)))
        #expect(from("Basic", [("client_id", "app")]) == .success(ClientCredentials(clientID: "app", secret: nil, method: .none)),
                "no space after the scheme: not Basic")
        #expect(from("Basic\t" + Data("app:s".utf8).base64EncodedString()) == .failure(required))
        #expect(from("Basicx") == .failure(required))
    }

    @Test("HTTP Basic client credentials are form-decoded (RFC 6749 §2.3.1) and one method at a time")
    func basicCredentials() throws {
        let header = "Basic " + Data("my%3Aclient:s%2Bcret".utf8).base64EncodedString()
        let credentials = try ClientCredentials(authorization: header, form: RequestParameters([]))
        #expect(credentials == ClientCredentials(clientID: "my:client", secret: "s+cret", method: .basic))
        #expect(throws: OAuthError.self) {
            try ClientCredentials(authorization: header, form: RequestParameters([("client_secret", "x")]))
        }
        #expect(throws: OAuthError(.invalidClient, .malformedBasicCredentials)) {
            try ClientCredentials(authorization: "Basic !!!", form: RequestParameters([]))
        }
    }

    @Test("the byte version answers as the Foundation version did")
    func sameAsFoundation() {
        var random = SeededGenerator(seed: 11)
        let schemes = ["Basic ", "basic ", "BASIC ", "Basic  ", "Basic\t", "Basic", "Bearer ", "", "Basic \u{A0}", "Basic \u{200B}"]
        let credentialAtoms = ["app", "x", ":", "%3A", "%3a", "%", "%4", "+", "%2B", "é", "%C3%A9", "%FF", "\u{FEFF}", " ", "\u{0}"]
        let spaces = ["", " ", "\t", "\u{A0}", "\u{3000}", "\n"]
        let forms: [[(name: String, value: String)]] = [
            [], [("client_id", "app")], [("client_id", "other")], [("client_secret", "s")],
            [("client_id", "app"), ("client_secret", "s")], [("client_id", "")],
        ]
        for _ in 0..<10_000 {
            let text = random.text(from: credentialAtoms, maxCount: 6)
            var token = Data(text.utf8).base64EncodedString()
            if Int.random(in: 0..<6, using: &random) == 0 { token = String(token.dropLast(Int.random(in: 0...2, using: &random))) }
            let header = schemes.randomElement(using: &random)! + spaces.randomElement(using: &random)! + token
                + spaces.randomElement(using: &random)!
            let form = RequestParameters(forms.randomElement(using: &random)!)
            let new = Result { () throws(OAuthError) in try ClientCredentials(authorization: header, form: form) }
            let old = Result { () throws(OAuthError) in try FoundationReference.credentials(authorizationHeader: header, form: form) }
            // The one difference: credentials holding NUL (or another C0 control) are not credentials now
            // (`ControlCharacters`; PostgreSQL text cannot hold NUL).
            if text.contains("\u{0}"), new == .failure(notBasic) {
                continue
            }
            #expect(new == old, "\(header.debugDescription)")
        }
    }
}

@Suite("Whitespace: the set Foundation's CharacterSet.whitespaces holds")
struct WhitespaceTests {
    @Test("the same scalars as CharacterSet.whitespaces, all of Unicode")
    func sameSet() {
        for value in UInt32(0)...0x10FFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            if Whitespace.contains(scalar) != CharacterSet.whitespaces.contains(scalar) {
                Issue.record("U+\(String(value, radix: 16)) differs")
            }
        }
    }

    @Test("trimming matches trimmingCharacters(in: .whitespaces)")
    func trimming() {
        for text in ["", " ", " \t ", "a", " a ", "\ta b\t", "\u{A0}a\u{3000}", "\u{200B}a\u{200B}", "\na\n", " \u{301}a",
                     "a \u{301}", "\u{2003}\u{2003}", "é ", " 😀"] {
            #expect(Array(Whitespace.trimming(text[...]).utf8) == Array(text.trimmingCharacters(in: .whitespaces).utf8),
                    "\(text.debugDescription)")
        }
    }
}
