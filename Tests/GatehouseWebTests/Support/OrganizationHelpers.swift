import Foundation
import GatehouseCore
import GatehouseTestingStack
import HummingbirdTesting
import Testing

extension TestRelyingParty {
    /// Like `signIn`, picking `organization` on the organization picker when it is shown
    /// (`pickerShown` says whether it was). Returns the authorization response's parameters.
    func signIn(_ user: TestProvider.RegisteredUser, _ request: Request = Request(), choosing organization: Organization?)
        async throws -> (response: [String: String], pickerShown: Bool) {
        var response = try await browser.get(authorizeURL(request))
        var pickerShown = false
        for _ in 0..<6 {
            #expect(response.status == .seeOther, "unexpected \(response.status): \(response.text.prefix(300))")
            guard let location = response.location else { throw FlowError(message: "no Location") }
            if location.hasPrefix(client.redirectURI) { return (queryItems(location), pickerShown) }
            let page = try await browser.get(location)
            let fields = [("csrf_token", page.hiddenField("csrf_token") ?? ""), ("request", page.hiddenField("request") ?? "")]
            if location.hasPrefix("/login") {
                response = try await browser.post("/login", form: fields + [("email", user.email), ("password", user.password)])
            } else if location.hasPrefix("/choose-organization") {
                pickerShown = true
                let chosen = try #require(organization, "the picker was shown")
                #expect(page.status == .ok)
                response = try await browser.post("/choose-organization", form: fields + [("organization", chosen.id.uuidString.lowercased())])
            } else if location.hasPrefix("/consent") {
                response = try await browser.post("/consent", form: fields + [("decision", "approve")])
            } else {
                throw FlowError(message: "unexpected redirect to \(location)")
            }
        }
        throw FlowError(message: "too many redirects")
    }

    /// Redeems the code: the token response, the ID token's and the access token's claims
    /// (checked against the JWKS).
    func redeemedClaims(code: String, verifier: String) async throws
        -> (tokens: [String: Any], idToken: [String: Any], accessToken: [String: Any]) {
        let tokens = try await redeem(code: code, verifier: verifier).json()
        let idToken = try await verifyWithJWKS(try tokens.string("id_token"), browser: browser).claims
        let accessToken = try await verifyWithJWKS(try tokens.string("access_token"), browser: browser).claims
        return (tokens, idToken, accessToken)
    }

    /// `grant_type=refresh_token`: the token response, the new ID token's and access token's claims.
    func refreshedClaims(_ refreshToken: String) async throws
        -> (tokens: [String: Any], idToken: [String: Any], accessToken: [String: Any]) {
        let response = try await token([("grant_type", "refresh_token"), ("refresh_token", refreshToken)])
        #expect(response.status == .ok, "\(response.text)")
        let tokens = try response.json()
        let idToken = try await verifyWithJWKS(try tokens.string("id_token"), browser: browser).claims
        let accessToken = try await verifyWithJWKS(try tokens.string("access_token"), browser: browser).claims
        return (tokens, idToken, accessToken)
    }
}

extension TestRelyingParty.Request {
    /// Asks for the organization and roles scopes (and a refresh token), naming `organization`
    /// (an id or a slug) when given.
    static func organization(_ organization: String? = nil, scope: String = "openid organization roles offline_access") -> Self {
        var request = Self()
        request.scope = scope
        if let organization { request.extra = [("organization", organization)] }
        return request
    }
}
