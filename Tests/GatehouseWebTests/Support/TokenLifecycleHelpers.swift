import Foundation
import GatehouseCore
import GatehouseWeb
import GatehouseTesting
import HTTPTypes
import HummingbirdTesting
import Testing

/// Calls to the client-authenticated endpoints beside `/token` (`/revoke`, `/introspect`), and
/// a signed-in user's tokens, for the token lifecycle tests.
extension TestRelyingParty {
    /// POSTs `form` to `path` authenticated as this client (Basic when it has a secret, else
    /// its client_id in the form), or with `secret` instead of the real one.
    func authenticatedPost(_ path: String, _ form: [(String, String)], secret: String? = nil) async throws -> TestResponse {
        var form = form
        var headers: HTTPFields = [:]
        if let secret = secret ?? client.secret {
            let credentials = "\(FormEncoding.encodeComponent(client.id)):\(FormEncoding.encodeComponent(secret))"
            headers[.authorization] = "Basic " + Data(credentials.utf8).base64EncodedString()
        } else {
            form.append(("client_id", client.id))
        }
        return try await browser.post(path, form: form, headers: headers)
    }

    func revoke(_ token: String, hint: String? = nil) async throws -> TestResponse {
        try await authenticatedPost("/revoke", [("token", token)] + (hint.map { [("token_type_hint", $0)] } ?? []))
    }

    func introspect(_ token: String) async throws -> [String: Any] {
        let response = try await authenticatedPost("/introspect", [("token", token)])
        #expect(response.status == .ok, "\(response.text)")
        #expect(response.headers[.cacheControl] == "no-store")
        return try response.json()
    }

    /// Signs `user` in through the pages and redeems the code: the token response.
    func tokens(for user: TestProvider.RegisteredUser, _ request: Request = Request()) async throws -> [String: Any] {
        let code = try #require(try await signIn(user, request)["code"])
        let tokens = try await redeem(code: code, verifier: request.verifier).json()
        try #require(tokens["access_token"] is String, "no tokens: \(tokens)")
        return tokens
    }
}

extension Dictionary where Key == String, Value == Any {
    func string(_ key: String) throws -> String { try #require(self[key] as? String, "no \(key) in \(self)") }
}
