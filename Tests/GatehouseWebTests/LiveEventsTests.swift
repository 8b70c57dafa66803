import Foundation
import GatehouseCore
import GatehouseTestingStack
@testable import GatehouseWeb
import Hummingbird
import HummingbirdTesting
import Testing

/// `GET /events` (issue 10 item 5): an invitation accepted on one instance reaches its inviter,
/// and the platform roles above, watching on another — through Redis, within a second.
@Suite("Live events across instances")
struct LiveEventsTests {
    @Test("without a session or a token the stream is refused with the bearer challenge; a client's own token too")
    func refused() async throws {
        try await withProvider { provider, browser in
            let none = try await browser.get("/events")
            #expect(none.status == .unauthorized)
            #expect(none.headers[.wwwAuthenticate] == #"Bearer realm="gatehouse""#)
            let forged = try await browser.get("/events", headers: [.authorization: "Bearer not.a.token"])
            #expect(forged.status == .unauthorized)
            #expect(forged.text == #"{"error":"invalid_token","error_description":"the access token is malformed or its signature is invalid"}"#)
            let basic = try await browser.get("/events", headers: [.authorization: "Basic YTpi"])
            #expect(basic.status == .badRequest)
            let client = try await provider.makeClient(grantTypes: [.clientCredentials])
            let rp = TestRelyingParty(provider: provider, client: client, browser: browser)
            let token = try #require(try await rp.token([("grant_type", "client_credentials")]).json()["access_token"] as? String)
            let ofClient = try await browser.get("/events", headers: [.authorization: "Bearer " + token])
            #expect(ofClient.status == .unauthorized)
            #expect(ofClient.text == #"{"error":"invalid_token","error_description":"the access token was issued to a client, not to a user"}"#)
        }
    }

    @Test("accepted on instance A, heard on instance B within a second by the inviter and an operator, not by a stranger; Last-Event-ID resumes")
    func acrossInstances() async throws {
        let key = "gh-test:events:\(UUID().uuidString)"
        let instanceA = try await TestProvider(liveEventsKey: key)
        let instanceB = try await TestProvider(liveEventsKey: key)
        // Rows both instances read: the inviter (client_admin of an organization), an operator, a stranger.
        let inviter = try await instanceA.makeUser(name: "Ada Lovelace")
        let organization = try await instanceA.makeOrganization()
        try await instanceA.addMember(inviter.user.id, to: organization, role: .clientAdmin)
        let operatorUser = try await instanceA.makeUser(name: "Olu Operator")
        try await instanceA.dependencies.organizations.memberships.setPlatformRole(.operator, userID: operatorUser.user.id,
                                                                                   at: instanceA.clock.now, by: nil)
        let stranger = try await instanceA.makeUser(name: "Sam Stranger")
        let issued = try await instanceA.invitations.invite(email: instanceA.uniqueEmail(), role: .clientUser,
                                                            place: .organization(organization.id),
                                                            by: try await instanceA.principal(inviter.user.id))

        try await instanceA.application().test(.router) { clientA in
            let browserA = TestBrowser(clientA)
            let invitationPage = try await browserA.get("/invitations/" + issued.token)
            try await instanceB.application().test(.live) { clientB in
                let port = try #require(clientB.port)
                func cookie(_ user: TestProvider.RegisteredUser) async throws -> String {
                    let browser = TestBrowser(clientB)
                    _ = try await browser.signInDirectly(user.email, user.password)
                    return "Cookie: " + browser.cookies.header
                }
                let inviterCookie = try await cookie(inviter), operatorCookie = try await cookie(operatorUser)
                let strangerCookie = try await cookie(stranger)
                let accepted = "event: invitation.accepted\n"

                async let operatorHeard = EventStreamClient(port: port, headers: [operatorCookie])
                    .read(limit: .seconds(10)) { $0.contains(accepted) }
                async let strangerHeard = EventStreamClient(port: port, headers: [strangerCookie])
                    .read(limit: .seconds(4)) { $0.contains(accepted) }
                try await Task.sleep(for: .milliseconds(300))  // the other two streams are open
                let (text, after) = try await EventStreamClient(port: port, headers: [inviterCookie]).read(limit: .seconds(10), opened: {
                    let answer = try await browserA.post("/invitations/" + issued.token, form: [
                        ("csrf_token", invitationPage.hiddenField("csrf_token") ?? ""), ("name", "Grace"), ("password", strongPassword)])
                    #expect(answer.location == "/account")
                }) { $0.contains(accepted) }

                let heardAfter = try #require(after, "the inviter heard nothing: \(text)")
                #expect(heardAfter < .seconds(1), "heard after \(heardAfter)")
                #expect(text.hasPrefix("HTTP/1.1 200 OK\r\n"))
                #expect(text.lowercased().contains("content-type: text/event-stream; charset=utf-8\r\n"))
                #expect(text.contains("retry: 3000\n"))
                let frame = try #require(text.firstMatch(of: /id: ([0-9]+-[0-9]+)\nevent: invitation\.accepted\ndata: (\{[^\n]*\})\n\n/))
                let data = try #require(try JSONSerialization.jsonObject(with: Data(frame.2.utf8)) as? [String: String])
                #expect(data["invitation_id"] == issued.invitation.id.uuidString.lowercased())
                #expect(data["organization_id"] == organization.id.uuidString.lowercased())
                #expect(data["role"] == "client_user" && data["email"] == issued.invitation.email)
                #expect(try await operatorHeard.after != nil, "an operator is above a client_admin")
                #expect(try await strangerHeard.after == nil, "a stranger hears nothing")

                // Revoked while nobody watched: the inviter's browser resumes after the event it saw.
                let second = try await instanceA.invitations.invite(email: instanceA.uniqueEmail(), role: .clientUser,
                                                                    place: .organization(organization.id),
                                                                    by: try await instanceA.principal(inviter.user.id))
                let announcing = Invitations(invitations: instanceA.dependencies.organizations.invitations,
                                             organizations: instanceA.dependencies.organizations.organizations,
                                             memberships: instanceA.dependencies.organizations.memberships, users: instanceA.dependencies.users,
                                             crypto: instanceA.crypto, audit: instanceA.dependencies.audit, clock: instanceA.clock,
                                             events: instanceA.dependencies.liveEvents)
                _ = try await announcing.revoke(id: second.invitation.id, by: try await instanceA.principal(inviter.user.id))
                let resumed = try await EventStreamClient(port: port, headers: [inviterCookie, "Last-Event-ID: \(frame.1)"])
                    .read(limit: .seconds(5)) { $0.contains("event: invitation.revoked\n") }
                #expect(resumed.after != nil, "resumed: \(resumed.text)")
                #expect(!resumed.text.contains(accepted), "nothing before the Last-Event-ID comes again")
                #expect(resumed.text.contains(second.invitation.id.uuidString.lowercased()))
            }
        }
    }

    @Test("a stream reads its watcher's platform role at most every five seconds: a role taken away still reaches it until then, not after; their own events always do")
    func roleReadEveryFiveSeconds() async throws {
        let provider = try await TestProvider(liveEventsKey: "gh-test:events:\(UUID().uuidString)")
        let operatorUser = try await provider.makeUser(name: "Olu Operator")
        let memberships = provider.dependencies.organizations.memberships
        try await memberships.setPlatformRole(.operator, userID: operatorUser.user.id, at: provider.clock.now, by: nil)
        let bus = provider.dependencies.liveEvents
        let clock = provider.clock
        @Sendable func publish(_ marker: String, to audience: LiveEventAudience) async throws {
            try await bus.publish(LiveEvent(type: .invitationRevoked, occurredAt: clock.now, data: ["marker": marker], audience: audience))
        }
        let staff = LiveEventAudience(userID: nil, platformRole: .operator)
        try await provider.application().test(.live) { client in
            let browser = TestBrowser(client)
            _ = try await browser.signInDirectly(operatorUser.email, operatorUser.password)
            let (text, after) = try await EventStreamClient(port: try #require(client.port), headers: ["Cookie: " + browser.cookies.header])
                .read(limit: .seconds(15), opened: {
                    try await publish("one", to: staff)
                    try await Task.sleep(for: .milliseconds(500))
                    try await memberships.setPlatformRole(nil, userID: operatorUser.user.id, at: clock.now, by: nil)
                    try await publish("two", to: staff)
                    try await Task.sleep(for: WatcherRole.freshFor + .milliseconds(700))
                    try await publish("three", to: staff)
                    try await publish("four", to: LiveEventAudience(userID: operatorUser.user.id, platformRole: nil))
                }) { $0.contains(#""marker":"four""#) }
            #expect(after != nil, "their own event arrived: \(text)")
            #expect(text.contains(#""marker":"one""#))
            #expect(text.contains(#""marker":"two""#), "the role read for one is still fresh")
            #expect(!text.contains(#""marker":"three""#), "read again after five seconds: no role")
        }
    }
}

