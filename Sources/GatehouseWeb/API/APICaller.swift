import Foundation
import GatehouseCore
import Hummingbird

/// Who calls the API: Gatehouse is a resource server of itself. The bearer token must be either
/// one of our access tokens (signature, issuer, expiry, revocation: `BearerTokenValidator`),
/// granted the scope `gatehouse:manage` (and so the audience `gatehouse:manage`), and issued to a
/// user; or a personal access token (`ghpat_…`) that works now (`APIKeys.authenticate`) and
/// carries `gatehouse:manage`. Either way what the caller may do is their roles read from the
/// database now (`Principals`), never the roles a token carries.
struct APICaller: Sendable {
    let bearer: BearerTokenValidator
    let principals: Principals
    let apiKeys: APIKeys

    /// The caller: who, and the API key they came with (nil: an access token).
    struct Caller: Sendable {
        let principal: Principal
        let key: APIKey?
    }

    func principal(for request: Request) async throws -> Principal {
        try await caller(for: request).principal
    }

    func caller(for request: Request) async throws -> Caller {
        guard let header = request.headers[.authorization] else { throw APIProblems.tokenRequired }
        let token = try BearerAuthorization.requiredToken(header)
        if APIKeyToken.looksLikeKey(token) {
            let live = try await apiKeys.authenticate(token, for: .api)
            guard live.mayManage else {
                await apiKeys.refuseScope(live, use: .api, missing: Scope.manage)
                throw APIProblems.insufficientScope
            }
            return Caller(principal: live.principal, key: live.key)
        }
        let claims = try await bearer.validate(token)
        // Both: the scope says the user let the client manage, the audience that the token was minted for this API.
        guard Scope.parse(claims.scope)?.contains(Scope.manage) == true, claims.audiences.contains(Scope.manage) else {
            throw APIProblems.insufficientScope
        }
        // A support session's token speaks for the user, with an administrator behind it: the
        // admin API, like the console, is never reached from one (issue 11 item 8).
        guard claims.act == nil else { throw APIProblems.supportSession }
        return Caller(principal: try await principals.principal(userID: try claims.userID()), key: nil)
    }
}
