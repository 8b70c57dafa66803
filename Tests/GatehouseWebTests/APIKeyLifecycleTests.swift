import Foundation
import GatehouseCore
import GatehouseTestingStack
@testable import GatehouseWeb
import HummingbirdTesting
import Testing

/// API keys under the user lifecycle (issue 11 items 3 and 6): suspending the owner stops their
/// keys at once, at `/api/v1` and `/introspect`; reactivating restores none of them; an erasure
/// deletes them.
@Suite("API keys and the user lifecycle")
struct APIKeyLifecycleTests {
    @Test("a suspended owner's key is refused at the API and inactive at /introspect; after reactivation still; an erasure deletes it")
    func suspension() async throws {
        try await withProvider { provider, browser in
            let root = try await provider.makeUser(name: "Root")
            try await provider.dependencies.organizations.memberships.setPlatformRole(.superAdmin, userID: root.user.id,
                                                                                       at: provider.clock.now, by: nil)
            let admin = APIClient(browser: browser, token: try await provider.apiToken(for: root, client: browser.client))
            let organization = try await provider.makeOrganization()
            let owner = try await provider.makeMember(of: organization, role: .clientAdmin)
            let issued = try await provider.makeAPIKey(for: owner)
            let key = APIClient(browser: TestBrowser(browser.client), token: issued.token)
            let rp = TestRelyingParty(provider: provider, client: try await provider.makeClient(), browser: TestBrowser(browser.client))
            let path = "/api/v1/organizations/\(apiID(organization.id))"
            #expect(try await key.call(.get, path).status == .ok)
            #expect(try await APIKeyTests.introspect(rp, issued.token) == APIKeyTests.introspection(issued, scope: "gatehouse:manage"))

            let subject = apiID(owner.user.id)
            #expect(try await admin.call(.post, "/api/v1/users/\(subject)/suspend").status == .ok)
            let refused = try await key.call(.get, path)
            #expect(refused.status == .unauthorized)
            #expect(refused.text.contains("the API key is invalid, revoked or expired"))
            #expect(try await APIKeyTests.introspect(rp, issued.token) == #"{"active":false}"#)

            provider.clock.advance(by: 2)
            #expect(try await admin.call(.post, "/api/v1/users/\(subject)/reactivate").status == .ok)
            #expect(try await key.call(.get, path).status == .unauthorized, "reactivating restores no key")
            let fresh = try await provider.makeAPIKey(for: owner)
            #expect(try await APIClient(browser: TestBrowser(browser.client), token: fresh.token).call(.get, path).status == .ok,
                    "a key made after the reactivation works")

            #expect(try await admin.call(.delete, "/api/v1/users/\(subject)").status == .noContent)
            #expect(try await provider.dependencies.apiKeys.store.list(userID: owner.user.id, limit: 10).isEmpty)
        }
    }
}
