import Foundation
import GatehouseCore
import GatehouseTestingStack
import HTTPTypes
import HummingbirdTesting
import Testing
@testable import GatehouseWeb

/// `error_description` is for the client's developer and limited to a safe ASCII set (RFC 6749
/// §5.2, RFC 6750 §3): Gatehouse's are fixed texts chosen by a typed reason (`OAuthError.Reason`,
/// `WebInputError`). These tests hold every text to the character set, and send a marker in every
/// parameter, name and header to every OAuth endpoint to show none ever comes back in an error.
@Suite("error_description: fixed ASCII texts that never repeat the request (RFC 6749 §5.2)")
struct ErrorDescriptionTests {
    /// Passes every decoder and is no word of Gatehouse's.
    static let marker = "zqxmarkerzqx"

    /// %x20-21 / %x23-5B / %x5D-7E: printable ASCII without `"` and `\`.
    static func isErrorDescriptionText(_ text: String) -> Bool {
        !text.isEmpty && text.unicodeScalars.allSatisfy { (0x20...0x7E).contains($0.value) && $0 != "\"" && $0 != "\\" }
    }

    static var webInputErrors: [WebInputError] {
        let decoding = [FormDecodingError.Problem.badEscape, .notUTF8, .controlCharacter].flatMap { problem in
            [nil, "client_id", "email", marker].map { WebInputError.undecodable(FormDecodingError(problem: problem, parameter: $0)) }
        }
        return [.notFormEncoded, .bodyTooLarge(limit: 16384), .unreadableBody, .queryTooLong(limit: 16384), .brokenSignInLink] + decoding
    }

    @Test("every description Gatehouse can give is RFC 6749 §5.2 ASCII and holds no request input")
    func everyText() {
        let texts = OAuthError.Reason.allCases.map(\.description) + Self.webInputErrors.map(\.description)
        #expect(texts.count > 100)
        for text in texts {
            #expect(Self.isErrorDescriptionText(text), "\(text)")
            #expect(!text.contains(Self.marker), "\(text)")
        }
    }

    /// The body `OAuthErrorResponse` wrote through `JSONEncoder` before it wrote the bytes itself.
    struct EncodedBody: Encodable {
        let error: String
        let error_description: String
    }

    @Test("an error body is byte for byte what JSONEncoder wrote (sorted keys, slashes unescaped), for every code and text")
    func errorBodyBytes() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let texts = OAuthError.Reason.allCases.map(\.description) + Self.webInputErrors.map(\.description)
            + [#"a "quoted" \ back/slash, tab\t and é"#]
        let codes: [OAuthError.Code] = [.invalidRequest, .invalidClient, .invalidGrant, .unauthorizedClient, .unsupportedGrantType,
                                        .invalidScope, .serverError, .temporarilyUnavailable, .invalidToken, .insufficientScope]
        for code in codes {
            for text in texts {
                let expected = try encoder.encode(EncodedBody(error: code.rawValue, error_description: text))
                #expect(OAuthErrorResponse.Wire(code, text).jsonBytes == Array(expected), "\(code) \(text)")
            }
        }
    }

    @Test("a marker in every parameter, in parameter names and in the credentials never comes back from /token, /revoke or /introspect")
    func clientEndpoints() async throws {
        try await withProvider { provider, browser in
            let client = try await provider.makeClient(grantTypes: [.authorizationCode, .refreshToken, .clientCredentials])
            let basic: HTTPFields = [.authorization: "Basic " + Data("\(client.id):\(try #require(client.secret))".utf8).base64EncodedString()]
            let m = Self.marker
            let requests: [(path: String, base: [(String, String)])] = [
                ("/token", [("grant_type", "authorization_code"), ("code", "c"), ("redirect_uri", client.redirectURI),
                            ("code_verifier", String(repeating: "v", count: 43))]),
                ("/token", [("grant_type", "refresh_token"), ("refresh_token", "r"), ("scope", "openid")]),
                ("/token", [("grant_type", "client_credentials"), ("scope", "reports")]),
                ("/revoke", [("token", "t"), ("token_type_hint", "access_token")]),
                ("/introspect", [("token", "t"), ("token_type_hint", "access_token")]),
            ]
            var answers: [TestResponse] = []
            for (path, base) in requests {
                for name in ParameterName.allCases.map(\.rawValue) + [m] {
                    let form = base.filter { $0.0 != name } + [(name, m)]
                    answers.append(try await browser.post(path, form: form, headers: basic))
                }
                answers.append(try await browser.post(path, form: base + [(m, "1"), (m, "2")], headers: basic))
                answers.append(try await browser.post(path, form: base + base, headers: basic))
                var formHeaders = basic
                formHeaders[.contentType] = "application/x-www-form-urlencoded"
                for raw in ["\(m)=%00", "\(m)=%FF", "\(m)=%Z", "\(m)%00=1"] {
                    answers.append(try await browser.send(path, method: .post, headers: formHeaders, body: FormEncoding.encode(base) + "&" + raw))
                }
                for authorization in ["Basic " + Data("\(m):\(m)".utf8).base64EncodedString(), "Basic \(m)", "Bearer \(m)", m] {
                    answers.append(try await browser.post(path, form: base, headers: [.authorization: authorization]))
                }
                answers.append(try await browser.post(path, form: base + [("client_id", m), ("client_secret", m)]))
                answers.append(try await browser.send(path, method: .post, headers: [.contentType: m], body: m))
            }
            let errors = answers.filter { $0.status != .ok }
            #expect(errors.count > 120, "the marker reached the error paths")
            for answer in errors {
                #expect(!answer.text.lowercased().contains(m), "\(answer.status): \(answer.text)")
                #expect(!(answer.headers[.wwwAuthenticate] ?? "").lowercased().contains(m))
                #expect(Self.isErrorDescriptionText(try answer.json()["error_description"] as? String ?? ""), "\(answer.text)")
            }
        }
    }

    @Test("nor from /userinfo, in the body or the WWW-Authenticate challenge (RFC 6750 §3)")
    func userinfo() async throws {
        try await withProvider { _, browser in
            let m = Self.marker
            var answers = [TestResponse]()
            for authorization in ["Bearer \(m)", "Bearer \(m).\(m).\(m)", "\(m) \(m)", m, "Basic \(m)"] {
                answers.append(try await browser.get("/userinfo", headers: [.authorization: authorization]))
            }
            answers.append(try await browser.post("/userinfo", form: [("access_token", m)]))
            answers.append(try await browser.post("/userinfo", form: [("access_token", m)], headers: [.authorization: "Bearer \(m)"]))
            answers.append(try await browser.post("/userinfo", form: [(m, m), (m, m)]))
            answers.append(try await browser.send("/userinfo", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                                                  body: "access_token=x&\(m)=%00"))
            for answer in answers {
                #expect(answer.status != .ok)
                #expect(!answer.text.lowercased().contains(m), "\(answer.text)")
                let challenge = try #require(answer.headers[.wwwAuthenticate])
                #expect(!challenge.lowercased().contains(m), "\(challenge)")
            }
        }
    }

    @Test("nor from /authorize: not in a redirected error_description, not on its error page")
    func authorize() async throws {
        try await withProvider { provider, browser in
            let client = try await provider.makeClient()
            let m = Self.marker
            let base = [("response_type", "code"), ("client_id", client.id), ("redirect_uri", client.redirectURI), ("scope", "openid"),
                        ("state", "s"), ("code_challenge", String(repeating: "a", count: 43)), ("code_challenge_method", "S256")]
            var queries = (ParameterName.allCases.map(\.rawValue) + [m]).map { name in
                FormEncoding.encode(base.filter { $0.0 != name } + [(name, m)])
            }
            queries += [FormEncoding.encode(base + [(m, "1"), (m, "2")]), FormEncoding.encode(base) + "&\(m)=%00",
                        FormEncoding.encode(base) + "&\(m)=%FF", FormEncoding.encode(base + [("prompt", "none \(m)")]),
                        FormEncoding.encode(base + [("scope", "openid \(m)\"")])]
            var errors = 0
            for query in queries {
                for answer in [try await browser.get("/authorize?" + query),
                               try await browser.send("/authorize", method: .post,
                                                      headers: [.contentType: "application/x-www-form-urlencoded"], body: query)] {
                    if let location = answer.location, location.hasPrefix(client.redirectURI) {
                        let items = queryItems(location)
                        guard let description = items["error_description"] else { continue }
                        errors += 1
                        #expect(!description.lowercased().contains(m), "\(description)")
                        #expect(Self.isErrorDescriptionText(description), "\(description)")
                    } else if answer.status != .seeOther {
                        errors += 1
                        #expect(!answer.text.lowercased().contains(m), "\(answer.status) page for \(query)")
                    }
                }
            }
            #expect(errors > 20, "the marker reached the error paths")
        }
    }

    @Test("every field of the hosted pages' forms is a name a refusal may repeat (else it would say 'a parameter value')")
    func pageFieldsAreNamed() throws {
        let templates = TestServices.repositoryRoot.appendingPathComponent("templates")
        let files = try FileManager.default.contentsOfDirectory(atPath: templates.path).filter { $0.hasSuffix(".mustache") }
        let control = try Regex(#"<(input|select|textarea|button)\b[^>]*\bname="([^"{]+)""#)
        var names = Set<String>()
        for file in files {
            let text = try String(contentsOf: templates.appendingPathComponent(file), encoding: .utf8)
            for match in text.matches(of: control) {
                if let name = match.output[2].substring { names.insert(String(name)) }
            }
        }
        #expect(names.contains("email") && names.contains("csrf_token"), "the templates were read: \(names)")
        for name in names.sorted() {
            #expect(WebInputError.isNamed(name), "\(name)")
        }
    }
}
