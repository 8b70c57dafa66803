import Foundation
import GatehouseCore
import GatehouseWeb
import GatehouseCrypto
import GatehouseTesting
import HummingbirdTesting
import Testing

/// Plays a relying party against the router: builds authorization requests with PKCE, signs a
/// user in through the hosted pages with a `TestBrowser`, and redeems codes.
struct TestRelyingParty {
    let provider: TestProvider
    let client: TestProvider.RegisteredClient
    let browser: TestBrowser
    let crypto = OpenSSLCrypto()

    struct Request {
        var state = OpenSSLCrypto().randomToken(byteCount: 12)
        var nonce = OpenSSLCrypto().randomToken(byteCount: 12)
        var verifier = OpenSSLCrypto().randomToken()
        var scope = "openid profile email offline_access"
        var extra: [(String, String)] = []
    }

    func authorizeURL(_ request: Request, redirectURI: String? = nil) -> String {
        var pairs = [("response_type", "code"), ("client_id", client.id), ("redirect_uri", redirectURI ?? client.redirectURI),
                     ("scope", request.scope), ("state", request.state), ("nonce", request.nonce),
                     ("code_challenge", PKCE.s256Challenge(for: request.verifier, crypto: crypto)),
                     ("code_challenge_method", "S256")]
        pairs += request.extra
        return "/authorize?" + FormEncoding.encode(pairs)
    }

    /// Follows the flow from `/authorize` through login and consent to the client's redirect,
    /// returning the authorization response's parameters.
    func signIn(_ user: TestProvider.RegisteredUser, _ request: Request = Request(), approve: Bool = true) async throws -> [String: String] {
        var response = try await browser.get(authorizeURL(request))
        for _ in 0..<4 {
            #expect(response.status == .seeOther, "unexpected \(response.status): \(response.text.prefix(300))")
            guard let location = response.location else { throw FlowError(message: "no Location") }
            if location.hasPrefix(client.redirectURI) { return queryItems(location) }
            let page = try await browser.get(location)
            if location.hasPrefix("/login") {
                response = try await browser.post("/login", form: [
                    ("csrf_token", page.hiddenField("csrf_token") ?? ""), ("request", page.hiddenField("request") ?? ""),
                    ("email", user.email), ("password", user.password)])
            } else if location.hasPrefix("/consent") {
                response = try await browser.post("/consent", form: [
                    ("csrf_token", page.hiddenField("csrf_token") ?? ""), ("request", page.hiddenField("request") ?? ""),
                    ("decision", approve ? "approve" : "deny")])
            } else {
                throw FlowError(message: "unexpected redirect to \(location)")
            }
        }
        throw FlowError(message: "too many redirects")
    }

    /// `POST /token` with this client's credentials (Basic for confidential clients).
    func token(_ form: [(String, String)], authenticate: Bool = true) async throws -> TestResponse {
        var form = form
        var headers: HTTPFields = [:]
        if authenticate {
            if let secret = client.secret {
                let credentials = "\(FormEncoding.encodeComponent(client.id)):\(FormEncoding.encodeComponent(secret))"
                headers[.authorization] = "Basic " + Data(credentials.utf8).base64EncodedString()
            } else {
                form.append(("client_id", client.id))
            }
        }
        return try await browser.post("/token", form: form, headers: headers)
    }

    func redeem(code: String, verifier: String) async throws -> TestResponse {
        try await token([("grant_type", "authorization_code"), ("code", code), ("redirect_uri", client.redirectURI),
                         ("code_verifier", verifier)])
    }

    func userinfo(_ accessToken: String) async throws -> TestResponse {
        try await browser.get("/userinfo", headers: [.authorization: "Bearer \(accessToken)"])
    }

    struct FlowError: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }
}

import HTTPTypes
