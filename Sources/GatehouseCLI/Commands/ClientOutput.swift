import Foundation
import GatehouseCore

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
        let kind: String
        let organizationID: String?
        let requireMFA: Bool
        /// When the secret a rotation replaced stops working (nil: it does not work).
        let previousSecretExpiresAt: String?

        init(_ client: Client, secret: String?) {
            clientID = client.id
            clientSecret = secret
            name = client.name
            redirectURIs = client.redirectURIs
            postLogoutRedirectURIs = client.postLogoutRedirectURIs
            grantTypes = client.grantTypes.map(\.rawValue)
            scopes = client.allowedScopes.isEmpty ? Scope.standard.sorted() : client.allowedScopes
            `public` = client.isPublic
            kind = client.kind.rawValue
            organizationID = client.organizationID?.uuidString.lowercased()
            requireMFA = client.requireMFA
            previousSecretExpiresAt = client.previousSecret.map { ISO8601DateFormatter().string(from: $0.expiresAt) }
        }

        enum CodingKeys: String, CodingKey {
            case clientID = "client_id", clientSecret = "client_secret", name
            case redirectURIs = "redirect_uris", postLogoutRedirectURIs = "post_logout_redirect_uris"
            case grantTypes = "grant_types", scopes, `public`, kind, organizationID = "organization_id", requireMFA = "require_mfa"
            case previousSecretExpiresAt = "previous_secret_expires_at"
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
        Swift.print("type:           \(client.isPublic ? "public (PKCE required)" : client.kind.rawValue)")
        if let owner = client.organizationID { Swift.print("organization:   \(owner.uuidString.lowercased())") }
        if let previous = client.previousSecret {
            Swift.print("old secret:     works until \(ISO8601DateFormatter().string(from: previous.expiresAt))")
        }
        Swift.print("redirect URIs:  \(client.redirectURIs.joined(separator: " "))")
        Swift.print("grant types:    \(client.grantTypes.map(\.rawValue).joined(separator: " "))")
        if client.requireMFA { Swift.print("MFA:            required") }
    }
}
