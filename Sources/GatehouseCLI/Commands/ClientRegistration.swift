import ArgumentParser
import GatehouseCore

/// The rules a client registration must satisfy, shared by create and update.
enum ClientRegistration {
    static func grantTypes(_ names: [String], isPublic: Bool) throws -> [GrantType] {
        let grants = try names.map { name in
            guard let grant = GrantType(rawValue: name) else {
                throw ValidationError("unknown grant type \(name): use authorization_code, refresh_token or client_credentials")
            }
            return grant
        }
        let chosen = grants.isEmpty ? [.authorizationCode, .refreshToken] : grants
        if isPublic && chosen.contains(.clientCredentials) {
            throw ValidationError("a public client cannot use client_credentials (it has no secret)")
        }
        return chosen.reduce(into: []) { if !$0.contains($1) { $0.append($1) } }
    }

    static func check(redirectURIs: [String], postLogout: [String], grants: [GrantType]) throws {
        if grants.contains(.authorizationCode) && redirectURIs.isEmpty {
            throw ValidationError("--redirect-uri is required for the authorization_code grant")
        }
        for uri in redirectURIs + postLogout where !RedirectURIPolicy.isRegistrable(uri) {
            throw ValidationError("\(uri) cannot be registered: use an absolute https URI without fragment, http only on loopback, or a reverse-domain scheme for native apps")
        }
    }
}

/// How a client is shown: JSON for scripts, readable text for people.
enum ClientOutput {
    struct Record: Encodable {
        let clientID: String
        let clientSecret: String?
        let name: String
        let redirectURIs: [String]
        let postLogoutRedirectURIs: [String]
        let grantTypes: [String]
        let scopes: [String]
        let `public`: Bool
        let requireMFA: Bool

        init(_ client: Client, secret: String?) {
            clientID = client.id
            clientSecret = secret
            name = client.name
            redirectURIs = client.redirectURIs
            postLogoutRedirectURIs = client.postLogoutRedirectURIs
            grantTypes = client.grantTypes.map(\.rawValue)
            scopes = client.allowedScopes.isEmpty ? Scope.standard.sorted() : client.allowedScopes
            `public` = client.isPublic
            requireMFA = client.requireMFA
        }

        enum CodingKeys: String, CodingKey {
            case clientID = "client_id", clientSecret = "client_secret", name
            case redirectURIs = "redirect_uris", postLogoutRedirectURIs = "post_logout_redirect_uris"
            case grantTypes = "grant_types", scopes, `public`, requireMFA = "require_mfa"
        }
    }

    static func print(_ client: Client, secret: String?, json: Bool) throws {
        if json { try printJSON(Record(client, secret: secret)) } else { printText(client, secret: secret) }
    }

    static func printText(_ client: Client, secret: String?) {
        Swift.print("client_id:      \(client.id)")
        if let secret {
            Swift.print("client_secret:  \(secret)")
            Swift.print("                (shown once: store it now; only its digest is kept)")
        }
        Swift.print("name:           \(client.name)")
        Swift.print("type:           \(client.isPublic ? "public (PKCE required)" : "confidential")")
        Swift.print("redirect URIs:  \(client.redirectURIs.joined(separator: " "))")
        Swift.print("grant types:    \(client.grantTypes.map(\.rawValue).joined(separator: " "))")
        if client.requireMFA { Swift.print("MFA:            required") }
    }
}
