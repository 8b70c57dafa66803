import Foundation
import GatehouseCore
import Hummingbird

/// Who calls the API: Gatehouse is a resource server of itself. The bearer token must be one of
/// our access tokens (signature, issuer, expiry, revocation: `BearerTokenValidator`), granted the
/// scope `gatehouse:manage` (and so the audience `gatehouse:manage`), and issued to a user; what
/// the caller may do is their roles read from the database now (`Principals`), never the roles a
/// token carries.
struct APICaller: Sendable {
    let bearer: BearerTokenValidator
    let principals: Principals

    func principal(for request: Request) async throws -> Principal {
        guard let header = request.headers[.authorization] else { throw APIProblems.tokenRequired }
        let claims = try await bearer.validate(try BearerAuthorization.requiredToken(header))
        // Both: the scope says the user let the client manage, the audience that the token was minted for this API.
        guard Scope.parse(claims.scope)?.contains(Scope.manage) == true, claims.audiences.contains(Scope.manage) else {
            throw APIProblems.insufficientScope
        }
        return try await principals.principal(userID: try claims.userID())
    }
}
