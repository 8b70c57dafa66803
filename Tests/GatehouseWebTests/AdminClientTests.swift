import Foundation
import GatehouseCore
import GatehouseTestingStack
@testable import GatehouseWeb
import HummingbirdTesting
import Testing

/// Clients in the console (`/admin/clients`, issue 11 items 5 and 9): register (the secret shown
/// once, never in an address), change with the revision read (a stale form changes nothing), a
/// new secret with a grace period and a delete both after a fresh sign-in; a `client_admin`
/// administers their organizations' clients only.
@Suite("The console's clients")
struct AdminClientTests {
    static func secret(_ page: TestResponse) -> String? {
        guard let start = page.text.range(of: #"<code id="client-secret">"#), let end = page.text[start.upperBound...].range(of: "</code>")
        else { return nil }
        return String(page.text[start.upperBound..<end.lowerBound])
    }

    static func clientID(_ page: TestResponse) -> String? {
        guard let start = page.text.range(of: "<dt>Client id</dt><dd><code>"), let end = page.text[start.upperBound...].range(of: "</code>")
        else { return nil }
        return String(page.text[start.upperBound..<end.lowerBound])
    }

    @Test("an operator registers a service: its secret shown once with no-store, then listed; settings saved at the revision read")
    func registerAndChange() async throws {
        try await AdminConsoleTests.withConsole { provider, browser in
            let admin = try await AdminConsoleTests.staff(.operator, provider)
            _ = try await browser.signInDirectly(admin.email, admin.password)
            let listing = try await browser.get("/admin/clients")
            #expect(listing.status == .ok)
            let csrf = try #require(listing.hiddenField("csrf_token"))
            let made = try await browser.post("/admin/clients", form: [("csrf_token", csrf), ("name", "Nightly reports"), ("kind", "service")])
            #expect(made.status == .created)
            #expect(made.headers[.cacheControl] == "no-store")
            let secret = try #require(Self.secret(made))
            let id = try #require(Self.clientID(made))
            let stored = try #require(try await provider.dependencies.clients.find(id: id))
            #expect(stored.kind == .service && stored.organizationID == nil && stored.createdBy == admin.user.id)
            #expect(stored.secretDigest == provider.crypto.sha256(secret))
            // (The list is the whole shared test database's, newest first: its own page shows it.)
            #expect(try await browser.get("/admin/clients/\(id)").text.contains("<h1 class=\"wrap\">Nightly reports</h1>"))
            #expect(try await browser.get("/admin/clients/\(id)").text.contains(secret) == false, "shown once")

            let path = "/admin/clients/\(id)"
            let form: [(String, String)] = [("csrf_token", csrf), ("revision", "1"), ("name", "Nightly reports v2"), ("grant_type", "client_credentials"),
                                            ("scopes", "reports:read"), ("require_mfa", "yes"), ("access_token_lifetime", "300")]
            let saved = try await browser.post(path, form: form)
            #expect(saved.location == path + "?done=saved")
            let changed = try #require(try await provider.dependencies.clients.find(id: id))
            #expect(changed.name == "Nightly reports v2" && changed.allowedScopes == ["reports:read"] && changed.requireMFA
                    && changed.lifetimes.accessToken == .seconds(300) && changed.revision == 2)
            let stale = try await browser.post(path, form: form.map { $0.0 == "name" ? ("name", "Lost") : $0 })
            #expect(stale.status == .badRequest)
            #expect(stale.text.contains("Someone changed this client while you were editing it."))
            #expect(try await provider.dependencies.clients.find(id: id)?.name == "Nightly reports v2")
            let tooLong = try await browser.post(path, form: form.map { $0.0 == "revision" ? ("revision", "2") : $0.0 == "access_token_lifetime" ? ("access_token_lifetime", "99999") : $0 })
            #expect(tooLong.status == .badRequest)
            #expect(tooLong.text.contains("The access_token lifetime must be a whole number of seconds from 1 to the server&#39;s 900."))
        }
    }

    @Test("a new secret and a delete need a sign-in within five minutes; the old secret keeps working through its grace")
    func rotateAndDelete() async throws {
        try await AdminConsoleTests.withConsole { provider, browser in
            let admin = try await AdminConsoleTests.staff(.siteAdmin, provider)
            let (client, old) = try await provider.clientAdministration.create(ClientRegistration(name: "Batch", kind: .service), owner: nil,
                                                                               by: .serverOperator)
            _ = try await browser.signInDirectly(admin.email, admin.password)
            let path = "/admin/clients/\(client.id)"
            let csrf = try #require(try await browser.get(path).hiddenField("csrf_token"))
            let rotated = try await browser.post(path + "/secret", form: [("csrf_token", csrf), ("revision", "1"), ("grace_hours", "24")])
            #expect(rotated.status == .ok)
            #expect(rotated.text.contains("A new secret: the old one keeps working for 24 hours."))
            let new = try #require(Self.secret(rotated))
            let authenticator = ClientAuthenticator(clients: provider.dependencies.clients, crypto: provider.crypto, clock: provider.clock)
            for secret in [old, new] {
                _ = try await authenticator.authenticate(ClientCredentials(clientID: client.id, secret: secret, method: .basic))
            }
            provider.clock.advance(by: 301)
            let late = try await browser.post(path + "/delete", form: [("csrf_token", csrf), ("revision", "2"), ("confirm", "yes")])
            #expect(late.status == .forbidden)
            #expect(late.text.contains("Deleting a client needs a sign-in within the last five minutes."))
            _ = try await browser.signInDirectly(admin.email, admin.password)
            let fresh = try #require(try await browser.get(path).hiddenField("csrf_token"))
            let unconfirmed = try await browser.post(path + "/delete", form: [("csrf_token", fresh), ("revision", "2")])
            #expect(unconfirmed.status == .badRequest)
            let deleted = try await browser.post(path + "/delete", form: [("csrf_token", fresh), ("revision", "2"), ("confirm", "yes")])
            #expect(deleted.location == "/admin/clients?done=deleted")
            #expect(try await provider.dependencies.clients.find(id: client.id) == nil)
        }
    }

    @Test("a client_admin registers for their organization only; another organization's client is not found; a platform client is not theirs")
    func clientAdmin() async throws {
        try await AdminConsoleTests.withConsole { provider, browser in
            let acme = try await AdminConsoleTests.organization(provider), globex = try await AdminConsoleTests.organization(provider)
            let admin = try await AdminConsoleTests.member(provider, of: acme, as: .clientAdmin)
            let theirs = try await provider.clientAdministration.create(ClientRegistration(name: "Globex app", kind: .service),
                                                                        owner: globex.id, by: .serverOperator).client
            _ = try await browser.signInDirectly(admin.email, admin.password)
            let listing = try await browser.get("/admin/clients")
            #expect(!listing.text.contains("Globex app"))
            let csrf = try #require(listing.hiddenField("csrf_token"))
            let platform = try await browser.post("/admin/clients", form: [("csrf_token", csrf), ("name", "Mine"), ("kind", "service")])
            #expect(platform.status == .badRequest)
            #expect(platform.text.contains("Only the platform roles register platform clients: name one of your organizations."))
            let elsewhere = try await browser.post("/admin/clients", form: [("csrf_token", csrf), ("name", "Mine"), ("kind", "service"),
                                                                          ("organization", globex.slug)])
            #expect(elsewhere.text.contains("None of the organizations you administer has the address “\(globex.slug)”."))
            // An address nobody has reads the same: the form is no way to learn which organizations exist.
            let nowhere = try await browser.post("/admin/clients", form: [("csrf_token", csrf), ("name", "Mine"), ("kind", "service"),
                                                                        ("organization", "no-such-\(globex.slug)")])
            #expect(nowhere.text.contains("None of the organizations you administer has the address “no-such-\(globex.slug)”."))
            let own = try await browser.post("/admin/clients", form: [("csrf_token", csrf), ("name", "Acme app"), ("kind", "public"),
                                                                    ("organization", acme.slug), ("redirect_uris", "https://acme.example/cb")])
            #expect(own.status == .created)
            #expect(Self.secret(own) == nil, "a public client has no secret")
            let listed = try await browser.get("/admin/clients").text
            #expect(listed.contains("<strong>Acme app</strong>") && !listed.contains("Globex app"), "their organization's clients only")
            #expect(try await browser.get("/admin/clients/\(theirs.id)").status == .notFound)
            let member = TestBrowser(browser.client)
            let user = try await AdminConsoleTests.member(provider, of: acme)
            _ = try await member.signInDirectly(user.email, user.password)
            #expect(try await member.get("/admin/clients").status == .forbidden)
        }
    }
}

extension TestProvider {
    /// The clients' service as the console and the API build it, for arranging a test.
    var clientAdministration: ClientAdministration {
        ClientAdministration(clients: dependencies.clients, organizations: dependencies.organizations.organizations, crypto: crypto,
                             settings: dependencies.settings, audit: dependencies.audit, clock: clock)
    }
}
