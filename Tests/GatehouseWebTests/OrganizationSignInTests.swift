import Foundation
import GatehouseCore
@testable import GatehouseWeb
import GatehouseTestingStack
import HummingbirdTesting
import Testing

/// Issue 10 item 3: a sign-in acts for one organization — the one `organization` names (an id or
/// a slug), else the one the user picks when they have several, else their only one — and a user
/// who is not a member of the named organization gets `access_denied`, never data about it.
@Suite("The active organization of a sign-in: named, picked or the only one")
struct OrganizationSignInTests {
    @Test("organization by slug and by id: the code's tokens act for it")
    func named() async throws {
        try await withProvider { provider, browser in
            let client = try await provider.makeClient()
            let user = try await provider.makeUser()
            let acme = try await provider.makeOrganization("Acme"), globex = try await provider.makeOrganization("Globex")
            try await provider.addMember(user.user.id, to: acme)
            try await provider.addMember(user.user.id, to: globex)
            let rp = TestRelyingParty(provider: provider, client: client, browser: browser)

            for (parameter, expected) in [(globex.slug, globex), (acme.id.uuidString, acme), (globex.id.uuidString.lowercased(), globex)] {
                let request = TestRelyingParty.Request.organization(parameter)
                let (items, pickerShown) = try await rp.signIn(user, request, choosing: nil)
                #expect(!pickerShown, "a named organization needs no picker")
                let (_, idToken, _) = try await rp.redeemedClaims(code: try #require(items["code"]), verifier: request.verifier)
                #expect(idToken["org_id"] as? String == expected.id.uuidString.lowercased(), "\(parameter)")
                #expect(idToken["org_slug"] as? String == expected.slug)
            }
        }
    }

    @Test("a user who is not a member gets access_denied with a fixed description; an unknown organization answers the same")
    func notAMember() async throws {
        try await withProvider { provider, browser in
            let client = try await provider.makeClient()
            let user = try await provider.makeUser()
            let mine = try await provider.makeOrganization("Mine"), theirs = try await provider.makeOrganization("Theirs")
            try await provider.addMember(user.user.id, to: mine)
            let rp = TestRelyingParty(provider: provider, client: client, browser: browser)

            var locations: [String] = []
            for parameter in [theirs.slug, theirs.id.uuidString, "no-such-organization", UUID().uuidString] {
                var request = TestRelyingParty.Request.organization(parameter)
                request.state = "fixed-state"
                let items = try await rp.signIn(user, request)
                #expect(items.count == 4, "error, description, state and iss only: \(items)")
                #expect(items["error"] == "access_denied")
                #expect(items["error_description"] == "the user may not sign in to the requested organization")
                #expect(items["state"] == "fixed-state")
                #expect(items["iss"] == TestProvider.issuer)
                let answer = try await browser.get(rp.authorizeURL(request))
                locations.append(try #require(answer.location))
            }
            #expect(Set(locations).count == 1, "existing and unknown organizations answer alike: \(locations)")
            #expect(!locations[0].contains(theirs.slug) && !locations[0].contains("Theirs"))
        }
    }

    @Test("a platform role may name any organization")
    func platformRole() async throws {
        try await withProvider { provider, browser in
            let client = try await provider.makeClient()
            let user = try await provider.makeUser()
            let acme = try await provider.makeOrganization("Acme")
            try await provider.dependencies.organizations.memberships.setPlatformRole(.operator, userID: user.user.id,
                                                                                       at: provider.clock.now, by: nil)
            let rp = TestRelyingParty(provider: provider, client: client, browser: browser)
            let request = TestRelyingParty.Request.organization(acme.slug)
            let items = try await rp.signIn(user, request)
            let (_, idToken, _) = try await rp.redeemedClaims(code: try #require(items["code"]), verifier: request.verifier)
            #expect(idToken["org_id"] as? String == acme.id.uuidString.lowercased())
            #expect(idToken["roles"] as? [String] == ["operator"])
        }
    }

    @Test("several memberships and none named: the picker lists them, searchable, and the choice is the token's organization")
    func picker() async throws {
        try await withProvider { provider, browser in
            let client = try await provider.makeClient(name: "Picker App")
            let user = try await provider.makeUser()
            let acme = try await provider.makeOrganization("Acme <Labs>"), globex = try await provider.makeOrganization("Globex")
            let stranger = try await provider.makeOrganization("Not Mine")
            try await provider.addMember(user.user.id, to: acme)
            try await provider.addMember(user.user.id, to: globex)
            let rp = TestRelyingParty(provider: provider, client: client, browser: browser)
            let request = TestRelyingParty.Request.organization()

            // Signed in first, so /authorize goes straight to the picker.
            _ = try await browser.signInDirectly(user.email, user.password)
            let start = try await browser.get(rp.authorizeURL(request))
            let location = try #require(start.location)
            #expect(location.hasPrefix("/choose-organization?request="))
            let requestID = try #require(queryItems(location)["request"])
            let page = try await browser.get(location)
            #expect(page.status == .ok)
            #expect(page.text.contains("Acme &lt;Labs&gt;"), "names are escaped")
            #expect(page.text.contains(#"value="\#(globex.id.uuidString.lowercased())""#))
            #expect(!page.text.contains("Not Mine"), "only the user's organizations")
            #expect(page.text.contains("Picker App"))

            let searched = try await browser.get(location + "&q=GLOB")
            #expect(searched.text.contains(#"value="\#(globex.id.uuidString.lowercased())""#))
            #expect(!searched.text.contains(#"value="\#(acme.id.uuidString.lowercased())""#))
            let nothing = try await browser.get(location + "&q=zzz")
            #expect(nothing.text.contains(#"id="no-organizations""#))

            // Without the page's CSRF token: refused before anything is read.
            let tokenless = try await browser.post("/choose-organization", form: [
                ("request", requestID), ("organization", globex.id.uuidString.lowercased())])
            #expect(tokenless.status == .forbidden)
            #expect(try await provider.dependencies.states.pending(id: requestID)?.chosenOrganizationID == nil)

            // Another organization than those listed is refused on the page; nothing is chosen.
            let csrf = page.hiddenField("csrf_token") ?? ""
            let forged = try await browser.post("/choose-organization", form: [
                ("csrf_token", csrf), ("request", requestID), ("organization", stranger.id.uuidString.lowercased())])
            #expect(forged.status == .badRequest)
            #expect(forged.text.contains("Choose one of the organizations listed."))
            #expect(try await provider.dependencies.states.pending(id: requestID)?.chosenOrganizationID == nil)

            let chosen = try await browser.post("/choose-organization", form: [
                ("csrf_token", csrf), ("request", requestID), ("organization", globex.id.uuidString.lowercased())])
            #expect(chosen.location == "/consent?request=" + FormEncoding.encodeComponent(requestID))
            let consent = try await browser.get(try #require(chosen.location))
            let answer = try await browser.post("/consent", form: [("csrf_token", consent.hiddenField("csrf_token") ?? ""),
                                                                   ("request", requestID), ("decision", "approve")])
            let redirect = try #require(answer.location)
            let code = try #require(queryItems(redirect)["code"])
            let (_, idToken, _) = try await rp.redeemedClaims(code: code, verifier: request.verifier)
            #expect(idToken["org_id"] as? String == globex.id.uuidString.lowercased())
        }
    }

    @Test("the picker without a session goes to the login first, then shows the organizations")
    func pickerAfterLogin() async throws {
        try await withProvider { provider, browser in
            let client = try await provider.makeClient()
            let user = try await provider.makeUser()
            let acme = try await provider.makeOrganization("Acme"), globex = try await provider.makeOrganization("Globex")
            try await provider.addMember(user.user.id, to: acme)
            try await provider.addMember(user.user.id, to: globex)
            let rp = TestRelyingParty(provider: provider, client: client, browser: browser)
            let request = TestRelyingParty.Request.organization()
            let (items, pickerShown) = try await rp.signIn(user, request, choosing: acme)
            #expect(pickerShown)
            let (_, idToken, _) = try await rp.redeemedClaims(code: try #require(items["code"]), verifier: request.verifier)
            #expect(idToken["org_id"] as? String == acme.id.uuidString.lowercased())
        }
    }

    @Test("prompt=none with several organizations and none named is interaction_required")
    func silentNeedsChoice() async throws {
        try await withProvider { provider, browser in
            let client = try await provider.makeClient()
            let user = try await provider.makeUser()
            try await provider.addMember(user.user.id, to: try await provider.makeOrganization("Acme"))
            try await provider.addMember(user.user.id, to: try await provider.makeOrganization("Globex"))
            let rp = TestRelyingParty(provider: provider, client: client, browser: browser)
            _ = try await browser.signInDirectly(user.email, user.password)
            var silent = TestRelyingParty.Request.organization(scope: "openid")
            silent.extra = [("prompt", "none")]
            let silentAnswer = try await browser.get(rp.authorizeURL(silent))
            let items = queryItems(try #require(silentAnswer.location))
            #expect(items["error"] == "interaction_required")
            #expect(items["error_description"] == "the user must choose an organization")
        }
    }

    @Test("one membership: that organization, no picker; none: no organization")
    func onlyOneOrNone() async throws {
        try await withProvider { provider, browser in
            let client = try await provider.makeClient()
            let member = try await provider.makeUser(), loner = try await provider.makeUser()
            let acme = try await provider.makeOrganization("Acme")
            try await provider.addMember(member.user.id, to: acme)
            let rp = TestRelyingParty(provider: provider, client: client, browser: browser)

            let request = TestRelyingParty.Request.organization()
            let (items, pickerShown) = try await rp.signIn(member, request, choosing: nil)
            #expect(!pickerShown)
            let (_, idToken, accessToken) = try await rp.redeemedClaims(code: try #require(items["code"]), verifier: request.verifier)
            #expect(idToken["org_id"] as? String == acme.id.uuidString.lowercased())
            #expect(accessToken["org_id"] as? String == acme.id.uuidString.lowercased())

            browser.forgetCookies()
            let alone = TestRelyingParty.Request.organization()
            let (lonerItems, lonerPicker) = try await rp.signIn(loner, alone, choosing: nil)
            #expect(!lonerPicker)
            let (_, lonerID, lonerAccess) = try await rp.redeemedClaims(code: try #require(lonerItems["code"]), verifier: alone.verifier)
            #expect(lonerID["org_id"] == nil && lonerID["org_slug"] == nil && lonerID["org_name"] == nil)
            #expect(lonerAccess["org_id"] == nil)
            #expect(lonerID["roles"] as? [String] == [], "roles is present and empty")
        }
    }

    @Test("a membership removed while the code waits: the exchange issues nothing (invalid_grant)")
    func removedBeforeExchange() async throws {
        try await withProvider { provider, browser in
            let client = try await provider.makeClient()
            let user = try await provider.makeUser()
            let acme = try await provider.makeOrganization("Acme")
            try await provider.addMember(user.user.id, to: acme)
            let rp = TestRelyingParty(provider: provider, client: client, browser: browser)
            let request = TestRelyingParty.Request.organization(acme.slug)
            let code = try #require(try await rp.signIn(user, request)["code"])
            try await provider.dependencies.organizations.memberships.remove(organizationID: acme.id, userID: user.user.id)
            expectOAuthError(try await rp.redeem(code: code, verifier: request.verifier), .badRequest, "invalid_grant",
                             "the user no longer belongs to the organization of this grant")
        }
    }
}
