import Foundation
import GatehouseTestingStack
import HummingbirdTesting
import Testing

@Suite("Discovery advertises the token lifecycle endpoints")
struct TokenLifecycleDiscoveryTests {
    @Test("revocation, introspection and end-session endpoints with their auth methods (RFC 8414 §2, RP-Initiated Logout §2.1)",
          arguments: ["/.well-known/openid-configuration", "/.well-known/oauth-authorization-server"])
    func discovery(path: String) async throws {
        try await withProvider { _, browser in
            let document = try await browser.get(path).json()
            let issuer = TestProvider.issuer
            #expect(document["revocation_endpoint"] as? String == issuer + "/revoke")
            #expect(document["introspection_endpoint"] as? String == issuer + "/introspect")
            #expect(document["end_session_endpoint"] as? String == issuer + "/logout")
            #expect(document["revocation_endpoint_auth_methods_supported"] as? [String] == ["client_secret_basic", "client_secret_post", "none"])
            #expect(document["introspection_endpoint_auth_methods_supported"] as? [String] == ["client_secret_basic", "client_secret_post"])
        }
    }
}
