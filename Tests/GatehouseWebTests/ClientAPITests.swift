import Foundation
import GatehouseCore
import GatehouseTestingStack
import HTTPTypes
@testable import GatehouseWeb
import HummingbirdTesting
import Testing

/// `/api/v1/clients` (issue 11 items 5 and 10): a `client_admin` registers and manages their
/// organization's clients, never another's; every write names the revision it read (`If-Match`:
/// 428 without, 412 when stale); a rotated secret keeps working for its grace period.
@Suite("Clients in the administration API")
struct ClientAPITests {
    static let preconditionRequired = #"{"detail":"send If-Match with the ETag of the revision you read","status":428,"title":"Precondition required","type":"urn:gatehouse:problem:precondition-required"}"#
    static let preconditionFailed = #"{"detail":"the resource changed since the revision If-Match names; read it again (its ETag) and retry","status":412,"title":"Precondition failed","type":"urn:gatehouse:problem:precondition-failed"}"#

    /// `client_credentials` at `/token` with HTTP Basic: the status.
    static func tokenStatus(_ browser: TestBrowser, _ id: String, _ secret: String) async throws -> HTTPResponse.Status {
        let basic = Data("\(id):\(secret)".utf8).base64EncodedString()
        return try await browser.send("/token", method: .post, headers: [.authorization: "Basic " + basic,
                                                                         .contentType: "application/x-www-form-urlencoded"],
                                      body: "grant_type=client_credentials").status
    }

    @Test("a client_admin registers a service for their organization: 201 with Location, ETag and the secret once; the secret works at /token")
    func create() async throws {
        try await withProvider { provider, browser in
            let acme = try await provider.makeOrganization("Acme")
            let admin = try await provider.makeMember(of: acme, role: .clientAdmin)
            let api = APIClient(browser: browser, token: try await provider.apiToken(for: admin, client: browser.client))
            let created = try await api.call(.post, "/api/v1/clients", json: #"{"name":" Reports ","kind":"service","scopes":["reports:read"],"organization_id":"\#(apiID(acme.id))","token_lifetimes":{"access_token":300}}"#)
            #expect(created.status == .created, "\(created.text)")
            let body = try created.json()
            let id = try body.string("id"), secret = try body.string("client_secret")
            let stored = try #require(try await provider.dependencies.clients.find(id: id))
            #expect(created.headers[.location] == "/api/v1/clients/\(id)")
            #expect(created.headers[.eTag] == #""1""#)
            #expect(created.text == #"{"client_secret":"\#(secret)","created_at":"\#(apiTime(stored.createdAt))","grant_types":["client_credentials"],"id":"\#(id)","kind":"service","name":"Reports","organization_id":"\#(apiID(acme.id))","post_logout_redirect_uris":[],"previous_secret_expires_at":null,"redirect_uris":[],"require_mfa":false,"revision":1,"scopes":["reports:read"],"token_lifetimes":{"access_token":300,"refresh_token_absolute":null,"refresh_token_idle":null},"updated_at":"\#(apiTime(stored.createdAt))"}"#)
            #expect(stored.secretDigest == provider.crypto.sha256(secret), "only the digest is kept")
            #expect(try await Self.tokenStatus(browser, id, secret) == .ok)

            let read = try await api.call(.get, "/api/v1/clients/\(id)")
            #expect(read.headers[.eTag] == #""1""#)
            #expect(!read.text.contains(secret) && !read.text.contains("client_secret"))

            let platform = try await api.call(.post, "/api/v1/clients", json: #"{"name":"Mine","kind":"service"}"#)
            #expect(platform.status == .forbidden, "a platform client is for platform roles")
            let tooLong = try await api.call(.post, "/api/v1/clients", json: #"{"name":"Long","kind":"service","organization_id":"\#(apiID(acme.id))","token_lifetimes":{"access_token":901}}"#)
            #expect(tooLong.status == .unprocessableContent)
            #expect(tooLong.text == #"{"detail":"the access_token lifetime must be a whole number of seconds from 1 to the server's 900","status":422,"title":"Invalid input","type":"urn:gatehouse:problem:invalid"}"#)
            let notBoolean = try await api.call(.post, "/api/v1/clients", json: #"{"name":"B","kind":"service","require_mfa":1,"organization_id":"\#(apiID(acme.id))"}"#)
            #expect(notBoolean.status == .badRequest)
            #expect(notBoolean.text.contains("invalid value for require_mfa"))
        }
    }

    @Test("a write names the revision it read: 428 without If-Match, 412 when stale or weak, 200 with a new ETag when current")
    func optimisticConcurrency() async throws {
        try await withProvider { provider, browser in
            let acme = try await provider.makeOrganization("Acme")
            let admin = try await provider.makeMember(of: acme, role: .clientAdmin)
            let api = APIClient(browser: browser, token: try await provider.apiToken(for: admin, client: browser.client))
            let created = try await api.call(.post, "/api/v1/clients", json: #"{"name":"Web","kind":"confidential","redirect_uris":["https://app.example/cb"],"organization_id":"\#(apiID(acme.id))"}"#)
            let path = "/api/v1/clients/" + (try created.json().string("id"))

            let bare = try await api.call(.patch, path, json: #"{"name":"First"}"#)
            #expect(bare.status == .preconditionRequired)
            #expect(bare.text == Self.preconditionRequired)
            for stale in [#""7""#, #"W/"1""#, #""2", "3""#] {
                let refused = try await api.call(.patch, path, json: #"{"name":"First"}"#, ifMatch: stale)
                #expect(refused.status == .preconditionFailed, "\(stale)")
                #expect(refused.text == Self.preconditionFailed)
            }
            #expect(try await api.call(.patch, path, json: #"{"name":"First"}"#, ifMatch: "1, 2, x").status == .badRequest)
            let first = try await api.call(.patch, path, json: #"{"name":"First","require_mfa":true}"#, ifMatch: #""1""#)
            #expect(first.status == .ok)
            #expect(first.headers[.eTag] == #""2""#)
            #expect(try first.json()["require_mfa"] as? Bool == true)
            // A second administrator who read revision 1 does not overwrite the first.
            let second = try await api.call(.patch, path, json: #"{"name":"Second"}"#, ifMatch: #""1""#)
            #expect(second.status == .preconditionFailed)
            #expect(try await api.call(.get, path).json()["name"] as? String == "First")
            let any = try await api.call(.patch, path, json: #"{"token_lifetimes":{"access_token":null}}"#, ifMatch: "*")
            #expect(any.headers[.eTag] == #""3""#)

            #expect(try await api.call(.delete, path).status == .preconditionRequired)
            #expect(try await api.call(.delete, path, ifMatch: #""2""#).status == .preconditionFailed)
            #expect(try await api.call(.delete, path, ifMatch: #""3""#).status == .noContent)
            #expect(try await api.call(.get, path).text == notFoundProblem)
        }
    }

    @Test("a new secret: the old one works through the grace period, not after; without grace it stops at once")
    func rotation() async throws {
        try await withProvider { provider, browser in
            let staff = try await provider.makeUser()
            try await provider.dependencies.organizations.memberships.setPlatformRole(.operator, userID: staff.user.id,
                                                                                     at: provider.clock.now, by: nil)
            let api = APIClient(browser: browser, token: try await provider.apiToken(for: staff, client: browser.client))
            let created = try await api.call(.post, "/api/v1/clients", json: #"{"name":"Batch","kind":"service"}"#)
            #expect(created.status == .created, "\(created.text)")
            let id = try created.json().string("id"), old = try created.json().string("client_secret")
            let rotated = try await api.call(.post, "/api/v1/clients/\(id)/secret", json: #"{"grace_seconds":3600}"#, ifMatch: #""1""#)
            #expect(rotated.status == .ok, "\(rotated.text)")
            let new = try rotated.json().string("client_secret")
            #expect(new != old)
            #expect(try rotated.json()["previous_secret_expires_at"] as? String == apiTime(provider.clock.now.addingTimeInterval(3600)))
            #expect(try await Self.tokenStatus(browser, id, new) == .ok)
            #expect(try await Self.tokenStatus(browser, id, old) == .ok, "within the grace period")
            provider.clock.advance(by: 3601)
            // The client cache lives 5 s: the grace period is read from the stored row either way.
            #expect(try await Self.tokenStatus(browser, id, old) == .unauthorized)

            // An hour on, the first access token has expired too.
            let later = APIClient(browser: browser, token: try await provider.apiToken(for: staff, client: browser.client))
            let again = try await later.call(.post, "/api/v1/clients/\(id)/secret", json: "{}", ifMatch: #""2""#)
            let newest = try again.json().string("client_secret")
            #expect(try await Self.tokenStatus(browser, id, new) == .unauthorized, "no grace: at once")
            #expect(try await Self.tokenStatus(browser, id, newest) == .ok)
            let tooLong = try await later.call(.post, "/api/v1/clients/\(id)/secret", json: #"{"grace_seconds":2592001}"#, ifMatch: "*")
            #expect(tooLong.status == .unprocessableContent)
        }
    }

    @Test("another organization's client_admin gets 404 for every operation on a client; a client_user 403; lists hold only their own")
    func access() async throws {
        try await withProvider { provider, browser in
            let acme = try await provider.makeOrganization("Acme"), globex = try await provider.makeOrganization("Globex")
            let acmeAdmin = try await provider.makeMember(of: acme, role: .clientAdmin)
            let globexAdmin = try await provider.makeMember(of: globex, role: .clientAdmin)
            let member = try await provider.makeMember(of: acme, role: .clientUser)
            let mine = APIClient(browser: browser, token: try await provider.apiToken(for: acmeAdmin, client: browser.client))
            let theirs = APIClient(browser: browser, token: try await provider.apiToken(for: globexAdmin, client: browser.client))
            let user = APIClient(browser: browser, token: try await provider.apiToken(for: member, client: browser.client))
            let created = try await mine.call(.post, "/api/v1/clients", json: #"{"name":"Acme app","kind":"service","organization_id":"\#(apiID(acme.id))"}"#)
            let path = "/api/v1/clients/" + (try created.json().string("id"))

            for (method, suffix, json) in [(HTTPRequest.Method.get, "", nil), (.patch, "", #"{"name":"x"}"#), (.delete, "", nil),
                                           (.post, "/secret", "{}")] as [(HTTPRequest.Method, String, String?)] {
                let refused = try await theirs.call(method, path + suffix, json: json, ifMatch: "*")
                #expect(refused.status == .notFound, "\(method) \(suffix)")
                #expect(refused.text == notFoundProblem)
                #expect(try await user.call(method, path + suffix, json: json, ifMatch: "*").status == .forbidden)
            }
            #expect(try await theirs.call(.get, "/api/v1/clients").text == #"{"items":[]}"#)
            let listed = try await mine.call(.get, "/api/v1/clients?organization_id=\(apiID(acme.id))")
            #expect((try listed.json()["items"] as? [[String: Any]])?.count == 1)
            #expect(try await theirs.call(.post, "/api/v1/clients", json: #"{"name":"In","kind":"service","organization_id":"\#(apiID(acme.id))"}"#).status == .notFound)
        }
    }
}
