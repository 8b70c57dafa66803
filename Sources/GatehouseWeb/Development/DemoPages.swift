import Foundation
import GatehouseCore
import Hummingbird

/// The development-mode demo app (DESIGN.md): `/dev/demo/start` plays a relying party with a
/// fresh state, nonce and PKCE verifier per visit; its callback redeems the code, checks the
/// ID token and shows its claims and the userinfo answer. Only registered in development mode.
struct DemoPages {
    let dependencies: DevelopmentModule.Dependencies

    var responder: PageResponder { dependencies.pages.responder }

    static let scopes = "openid profile email offline_access"
    var redirectURI: String { dependencies.issuer + "/dev/demo/callback" }

    func register(on routes: PageRoutes) {
        routes.get("/dev/demo/start") { _ in start() }
        routes.get("/dev/demo/callback") { page in
            // The demo shows a developer why it failed, where a real page would not.
            do {
                return try await callback(page)
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
            ("response_type", "code"), ("client_id", dependencies.demoClientID), ("redirect_uri", redirectURI),
            ("scope", Self.scopes), ("state", state), ("nonce", nonce),
            ("code_challenge", PKCE.s256Challenge(for: verifier, crypto: crypto)), ("code_challenge_method", "S256"),
        ])
        var response = Responses.seeOther("/authorize?" + query)
        response.setCookie(dependencies.pages.cookies.make(BrowserCookies.demo, value: [state, nonce, verifier].joined(separator: "."),
                                                           maxAge: 1800))
        return response
    }

    func callback(_ page: PageRequest) async throws -> Response {
        let query = try page.query
        if let error = query["error"] {
            return responder.error(title: "Sign-in did not complete", message: "\(error): \(query["error_description"] ?? "")")
        }
        let saved = (page.cookie(BrowserCookies.demo) ?? "").split(separator: ".").map(String.init)
        guard saved.count == 3, let state = query["state"], ConstantTime.equals(state, saved[0]), let code = query["code"] else {
            return responder.error(title: "Demo sign-in failed", message: "The state did not match this browser's sign-in. Start again.")
        }
        guard query["iss"] == dependencies.issuer else {
            return responder.error(title: "Demo sign-in failed", message: "The response came from an unexpected issuer.")
        }
        let tokens = try await dependencies.grants.handle(
            .authorizationCode(.init(code: code, redirectURI: redirectURI, codeVerifier: saved[2])),
            credentials: ClientCredentials(clientID: dependencies.demoClientID, secret: nil, method: .none))
        guard let idToken = tokens.idToken, let claims = dependencies.idTokenHints.claims(of: idToken),
              claims.aud == dependencies.demoClientID, claims.nonce == saved[1] else {
            return responder.error(title: "Demo sign-in failed", message: "The ID token did not verify (signature, audience or nonce).")
        }
        let userInfo = try await dependencies.userInfo.claims(accessToken: tokens.accessToken)
        let accessClaims = try dependencies.verifier.verify(tokens.accessToken).payload
        var response = responder.page(DemoResultView(idTokenClaims: pretty(claims), userInfo: pretty(userInfo),
                                                     accessTokenClaims: prettyJSON(accessClaims)))
        response.setCookie(dependencies.pages.cookies.expired(BrowserCookies.demo))
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
