import Foundation
import GatehouseCore
import GatehouseTestingStack
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// Calls `/api/v1` as a client would: a bearer token, JSON in and out.
struct APIClient {
    let browser: TestBrowser
    let token: String?

    @discardableResult
    func call(_ method: HTTPRequest.Method, _ path: String, json: String? = nil, contentType: String = "application/json",
              ifMatch: String? = nil) async throws -> TestResponse {
        var headers: HTTPFields = [:]
        if let token { headers[.authorization] = "Bearer " + token }
        if json != nil { headers[.contentType] = contentType }
        if let ifMatch { headers[.ifMatch] = ifMatch }
        return try await browser.send(path, method: method, headers: headers, body: json)
    }

    /// Raw bytes (bad UTF-8 and the like).
    func call(_ method: HTTPRequest.Method, _ path: String, bytes: [UInt8]) async throws -> TestResponse {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let token { headers[.authorization] = "Bearer " + token }
        return try await browser.client.execute(uri: path, method: method, headers: headers, body: ByteBuffer(bytes: bytes))
    }
}

extension TestProvider {
    /// An access token for `user` from a client registered for `gatehouse:manage` (or `scope`),
    /// through the pages and the code flow, as any client gets one.
    func apiToken(for user: RegisteredUser, client: any TestClientProtocol, scope: String = "openid gatehouse:manage") async throws -> String {
        let registered = try await makeClient(scopes: ["openid", "profile", "email", "gatehouse:manage"])
        let rp = TestRelyingParty(provider: self, client: registered, browser: TestBrowser(client))
        var request = TestRelyingParty.Request()
        request.scope = scope
        let code = try #require(try await rp.signIn(user, request, choosing: nil).response["code"])
        let tokens = try await rp.redeem(code: code, verifier: request.verifier).json()
        return try tokens.string("access_token")
    }

    /// A user who is `role` in `organization`.
    func makeMember(of organization: Organization, role: Role, name: String = "Ada Lovelace") async throws -> RegisteredUser {
        let user = try await makeUser(name: name)
        try await addMember(user.user.id, to: organization, role: role)
        return user
    }
}

/// RFC 3339 as the API writes times: UTC, whole seconds.
func apiTime(_ date: Date) -> String {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime]
    return formatter.string(from: date)
}

func apiID(_ id: UUID) -> String { id.uuidString.lowercased() }

/// The body every unknown id, and every id of an organization the caller has no role in, gets.
let notFoundProblem = #"{"detail":"there is nothing here","status":404,"title":"Not found","type":"urn:gatehouse:problem:not-found"}"#
