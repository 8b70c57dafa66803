import Foundation
import GatehouseCore
import Hummingbird

/// `/api/v1/invitations`: create, list, read and accept by link token, revoke, resend. Who may do what is
/// `Invitations` (and through it `RoleRules`); this only reads JSON and writes JSON.
struct InvitationOperations {
    let dependencies: APIModule.Dependencies

    var all: [APIOperation] {
        [
            APIOperation(method: .post, path: "/api/v1/invitations", handler: create),
            APIOperation(method: .get, path: "/api/v1/invitations", handler: list),
            APIOperation(method: .get, path: "/api/v1/invitations/by-token/{token}", handler: byToken),
            APIOperation(method: .post, path: "/api/v1/invitations/by-token/{token}/accept", handler: accept),
            APIOperation(method: .post, path: "/api/v1/invitations/{id}/revoke", handler: revoke),
            APIOperation(method: .post, path: "/api/v1/invitations/{id}/resend", handler: resend),
        ]
    }

    @Sendable func create(_ call: APIRequest) async throws -> Response {
        let principal = try await dependencies.caller.principal(for: call.request)
        let body = try await call.body(allowing: ["email", "role", "organization_id", "organization_name"])
        let email = try body.string("email")
        guard let role = Role(rawValue: try body.string("role")) else { throw APIInputError.invalidField("role") }
        let place: Invitations.Place
        switch (try body.optionalString("organization_id"), try body.optionalString("organization_name")) {
        case (nil, nil): place = .platform
        case (let id?, nil):
            guard let id = UUID(uuidString: id) else { throw APIInputError.invalidField("organization_id") }
            place = .organization(id)
        case (nil, let name?): place = .newOrganization(name: name)
        case (_?, _?): throw APIInputError.invalidField("organization_name")
        }
        let issued = try await dependencies.invitations.invite(email: email, role: role, place: place, by: principal)
        return Responses.api(issuedBody(issued), status: .created)
    }

    @Sendable func list(_ call: APIRequest) async throws -> Response {
        let principal = try await dependencies.caller.principal(for: call.request)
        let organizationID = try call.query("organization_id").map { text in
            // A malformed id names no organization the caller has: 404, like any other.
            guard let id = UUID(uuidString: text) else { throw APIInputError.unknownID }
            return id
        }
        let cursor = try call.query("cursor").map { text in
            guard let read = CursorText.read(text) else { throw APIInputError.invalidQuery("cursor") }
            return InvitationCursor(createdAt: read.date, id: read.id)
        }
        let limit = try call.limit()
        // One more than asked tells whether another page follows.
        let found = try await dependencies.invitations.list(organizationID: organizationID, by: principal, before: cursor, limit: limit + 1)
        let page = found.prefix(limit)
        let now = dependencies.clock.now
        let next = found.count > limit ? page.last.map { CursorText.text($0.createdAt, $0.id) } : nil
        return Responses.api(APIRepresentation.Page(items: page.map { APIRepresentation.InvitationBody($0, at: now) }, next: next))
    }

    /// The link's token is the credential: no bearer token is asked for, and a token that names
    /// nothing is 404.
    @Sendable func byToken(_ call: APIRequest) async throws -> Response {
        guard let token = call.parameter("token"), token.utf8.count <= 128,
              let details = try await dependencies.invitations.details(token: token) else { throw APIProblems.notFound }
        return Responses.api(APIRepresentation.PublicInvitationBody(details))
    }

    /// The caller's own account accepts an invitation to its address (a new account is made on
    /// the link's page, which asks for a name and a password).
    @Sendable func accept(_ call: APIRequest) async throws -> Response {
        let principal = try await dependencies.caller.principal(for: call.request)
        guard let userID = principal.userID, let token = call.parameter("token"), token.utf8.count <= 128 else {
            throw APIProblems.notFound
        }
        switch try await dependencies.invitations.accept(token: token, as: .existingUser(userID)) {
        case .accepted(let invitation, _):
            // The store's record as accepted; its state is read at this moment.
            var accepted = invitation
            if accepted.acceptedAt == nil { accepted.acceptedAt = dependencies.clock.now }
            return Responses.api(APIRepresentation.InvitationBody(accepted, at: dependencies.clock.now))
        case .unavailable(let state): throw Invitations.Refusal.notPending(state)
        case .notFound: throw APIProblems.notFound
        case .emailTaken: throw Invitations.Refusal.alreadyMember
        }
    }

    @Sendable func revoke(_ call: APIRequest) async throws -> Response {
        let principal = try await dependencies.caller.principal(for: call.request)
        let revoked = try await dependencies.invitations.revoke(id: try call.id("id"), by: principal)
        return Responses.api(APIRepresentation.InvitationBody(revoked, at: dependencies.clock.now))
    }

    @Sendable func resend(_ call: APIRequest) async throws -> Response {
        let principal = try await dependencies.caller.principal(for: call.request)
        let issued = try await dependencies.invitations.resend(id: try call.id("id"), by: principal)
        return Responses.api(issuedBody(issued), status: .created)
    }

    func issuedBody(_ issued: Invitations.Issued) -> APIRepresentation.IssuedBody {
        APIRepresentation.IssuedBody(
            invitation: APIRepresentation.InvitationBody(issued.invitation, at: dependencies.clock.now),
            link: dependencies.invitations.mailsLinks ? nil : InvitationLink.url(issuer: dependencies.issuer, token: issued.token))
    }
}
