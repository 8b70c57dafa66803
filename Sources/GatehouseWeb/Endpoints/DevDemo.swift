import Foundation
import GatehouseCore
import Hummingbird

/// The development-mode demo app (DESIGN.md): `/dev/demo/start` plays a relying party with a
/// fresh state, nonce and PKCE verifier per visit; its callback redeems the code, checks the
/// ID token and shows its claims and the userinfo answer. Only registered in development mode.
struct DevDemo {
    let dependencies: WebDependencies
    let responder: PageResponder

    static let scopes = "openid profile email offline_access"
    var redirectURI: String { dependencies.settings.issuer + "/dev/demo/callback" }

    func register(on router: Router<GatehouseRequestContext>) {
        router.get("/dev/demo/start") { _, _ in start() }
        router.get("/dev/demo/callback") { request, _ in
            do {
                return try await callback(request)
            } catch {
                return responder.error(title: "Demo sign-in failed", message: "\(describe(error))")
            }
        }
    }

    func start() -> Response {
        let crypto = dependencies.crypto
        let state = crypto.randomToken(byteCount: 16)
        let nonce = crypto.randomToken(byteCount: 16)
        let verifier = crypto.randomToken()
        let query = FormEncoding.encode([
            ("response_type", "code"), ("client_id", dependencies.web.demoClientID), ("redirect_uri", redirectURI),
            ("scope", Self.scopes), ("state", state), ("nonce", nonce),
            ("code_challenge", PKCE.s256Challenge(for: verifier, crypto: crypto)), ("code_challenge_method", "S256"),
        ])
        var response = Responses.seeOther("/authorize?" + query)
        response.setCookie(BrowserCookies.make(BrowserCookies.demo, value: [state, nonce, verifier].joined(separator: "."),
                                               maxAge: 1800, secure: dependencies.secureCookies))
        return response
    }

    func callback(_ request: Request) async throws -> Response {
        let query = try FormBody.query(request)
        if let error = query["error"] {
            return responder.error(title: "Sign-in did not complete", message: "\(error): \(query["error_description"] ?? "")")
        }
        let saved = (dependencies.cookie(BrowserCookies.demo, in: request) ?? "").split(separator: ".").map(String.init)
        guard saved.count == 3, let state = query["state"], ConstantTime.equals(state, saved[0]), let code = query["code"] else {
            return responder.error(title: "Demo sign-in failed", message: "The state did not match this browser's sign-in. Start again.")
        }
        guard query["iss"] == dependencies.settings.issuer else {
            return responder.error(title: "Demo sign-in failed", message: "The response came from an unexpected issuer.")
        }
        let tokens = try await dependencies.tokenEndpoint.handle(
            .authorizationCode(.init(code: code, redirectURI: redirectURI, codeVerifier: saved[2])),
            credentials: ClientCredentials(clientID: dependencies.web.demoClientID, secret: nil, method: .none))
        guard let idToken = tokens.idToken, let claims = dependencies.idTokenHints.claims(of: idToken),
              claims.aud == dependencies.web.demoClientID, claims.nonce == saved[1] else {
            return responder.error(title: "Demo sign-in failed", message: "The ID token did not verify (signature, audience or nonce).")
        }
        let userInfo = try await dependencies.userInfo.claims(accessToken: tokens.accessToken)
        let accessClaims = try dependencies.verifier.verify(tokens.accessToken).payload
        var response = responder.page(DemoResultView(idTokenClaims: pretty(claims), userInfo: pretty(userInfo),
                                                     accessTokenClaims: prettyJSON(accessClaims)))
        response.setCookie(BrowserCookies.expired(BrowserCookies.demo, secure: dependencies.secureCookies))
        return response
    }

    func pretty(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(value)).flatMap { String(data: $0, encoding: .utf8) } ?? "{}"
    }

    func prettyJSON(_ bytes: [UInt8]) -> String {
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)),
              let data = try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        else { return String(decoding: bytes, as: UTF8.self) }
        return String(decoding: data, as: UTF8.self)
    }

    func describe(_ error: any Error) -> String {
        (error as? OAuthError).map { "\($0.code.rawValue): \($0.description)" } ?? "The demo could not finish; see the server log."
    }
}
