import GatehouseCore
import Logging

/// The one mapping from what Core and the API's input checks refuse to the problem answered:
/// 400 for malformed input, 422 for input Core finds invalid, 401 (with the bearer challenge) for
/// tokens, 403 for rank and for a token without `gatehouse:manage`, 404 for unknown ids and —
/// exactly alike — anything of an organization the caller has no role in, 409 for duplicates.
/// Anything else is logged and answered 500 without detail.
enum APIProblems {
    static func problem(for error: any Error, logger: Logger?) -> APIProblem {
        switch error {
        case let problem as APIProblem: return problem
        case let input as APIInputError: return problem(input)
        case let refusal as OrganizationAdministration.Refusal: return problem(refusal)
        case let refusal as Invitations.Refusal: return problem(refusal)
        case let refusal as CustomRoles.Refusal: return problem(refusal)
        case let refusal as ClientAdministration.Refusal: return problem(refusal)
        case let refusal as ConsoleUserAccess.Refusal: return problem(refusal)
        case let refusal as UserLifecycle.Refusal: return problem(refusal)
        case let refusal as APIKeys.Refusal: return problem(refusal)
        case let refusal as AuditTrail.Refusal: return problem(refusal)
        case let refusal as BulkJobs.Refusal: return problem(refusal)
        case let refusal as Imports.Refusal: return problem(refusal)
        case let error as ImportFileError: return problem(error)
        case let oauth as OAuthError: return problem(oauth)
        default:
            logger?.error("api request failed", metadata: ["error": "\(String(reflecting: error))"])
            return APIProblem(status: .internalServerError, name: "internal", title: "Internal error",
                              detail: "the server could not answer; try again later")
        }
    }

    static let notFound = APIProblem(status: .notFound, name: "not-found", title: "Not found", detail: "there is nothing here")

    static func forbidden(_ detail: String) -> APIProblem {
        APIProblem(status: .forbidden, name: "forbidden", title: "Forbidden", detail: detail)
    }

    static func invalid(_ detail: String) -> APIProblem {
        APIProblem(status: .unprocessableContent, name: "invalid", title: "Invalid input", detail: detail)
    }

    static func conflict(_ detail: String) -> APIProblem {
        APIProblem(status: .conflict, name: "conflict", title: "Conflict", detail: detail)
    }

    static func badRequest(_ detail: String) -> APIProblem {
        APIProblem(status: .badRequest, name: "bad-request", title: "Bad request", detail: detail)
    }

    /// RFC 9110 §13.1.1: the client changed since the revision `If-Match` names.
    static let preconditionFailed = APIProblem(
        status: .preconditionFailed, name: "precondition-failed", title: "Precondition failed",
        detail: "the resource changed since the revision If-Match names; read it again (its ETag) and retry")

    /// RFC 6585 §3: a write to a resource that has revisions must name the one it read.
    static let preconditionRequired = APIProblem(
        status: .preconditionRequired, name: "precondition-required", title: "Precondition required",
        detail: "send If-Match with the ETag of the revision you read")

    static func problem(_ refusal: AuditTrail.Refusal) -> APIProblem {
        switch refusal {
        case .notPermitted: forbidden("only the platform roles and organization admins read the audit trail")
        case .organizationRequired: badRequest("name one of the organizations you administer in organization_id")
        case .organizationNotFound: notFound
        }
    }

    static func problem(_ refusal: ClientAdministration.Refusal) -> APIProblem {
        switch refusal {
        case .invalid(let problem): invalid(problem.description)
        case .notFound: notFound
        case .notPermitted: forbidden("your role does not allow administering clients there")
        case .stale: preconditionFailed
        case .noSecret: conflict("a public client has no secret to rotate")
        case .invalidGrace: invalid("grace_seconds must be a whole number from 0 to \(ClientAdministration.maximumGrace.components.seconds)")
        }
    }

    /// RFC 6750 §3: a request without a token gets the challenge and no error code.
    static let tokenRequired = APIProblem(status: .unauthorized, name: "token-required", title: "Unauthorized",
                                          detail: "an access token is required", challenge: #"Bearer realm="gatehouse""#)

    /// RFC 6750 §3.1: the token lacks `gatehouse:manage`.
    static let insufficientScope = APIProblem(
        status: .forbidden, name: "insufficient-scope", title: "Insufficient scope",
        detail: "the access token was not granted the scope gatehouse:manage",
        challenge: #"Bearer realm="gatehouse", error="insufficient_scope", scope="gatehouse:manage""#)

    /// A token issued in a support session (`act`): the admin API is not for one.
    static let supportSession = APIProblem(
        status: .forbidden, name: "support-session", title: "Not during a support session",
        detail: "the access token was issued in a support session; the admin API is not available in one",
        challenge: #"Bearer realm="gatehouse", error="insufficient_scope""#)

    static func problem(_ input: APIInputError) -> APIProblem {
        switch input {
        case .bodyTooLarge(let limit):
            APIProblem(status: .contentTooLarge, name: "body-too-large", title: "Content too large",
                       detail: "the body is larger than \(limit) bytes")
        case .notJSON: APIProblem(status: .unsupportedMediaType, name: "not-json", title: "Unsupported media type",
                                  detail: "the body must be application/json")
        case .malformedBody: badRequest("the body is not one JSON object in UTF-8")
        case .unknownField(let name): badRequest("unknown field \(name)")
        case .missingField(let name): badRequest("missing field \(name)")
        case .invalidField(let name): badRequest("invalid value for \(name)")
        case .invalidQuery(let name): badRequest("invalid query parameter \(name)")
        case .invalidHeader(let name): badRequest("invalid \(name) header")
        case .unknownID: notFound
        }
    }

    /// The user directory (`/api/v1/users`): a user outside the caller's view is not found.
    static func problem(_ refusal: ConsoleUserAccess.Refusal) -> APIProblem {
        switch refusal {
        case .notVisible: notFound
        case .notAnAdministrator, .notPermitted, .yourself: forbidden("your role does not allow this")
        }
    }

    static func problem(_ refusal: OrganizationAdministration.Refusal) -> APIProblem {
        switch refusal {
        case .invalidName: invalid("the name must be 1 to 200 characters without control characters")
        case .invalidSlug: invalid("the slug must be 1 to 63 lower-case letters, digits and inner hyphens")
        case .invalidPolicy: invalid("a required second factor needs at least one method")
        case .roleDoesNotFitPlace: invalid("that role is not held there")
        case .slugTaken: conflict("another organization has that slug")
        case .notFound: notFound
        case .notPermitted: forbidden("your role does not allow this")
        case .lastSuperAdmin: conflict("that would leave nobody holding super_admin")
        }
    }

    static func problem(_ refusal: Invitations.Refusal) -> APIProblem {
        switch refusal {
        case .invalidEmail: invalid("the email address is not valid")
        case .invalidOrganizationName: invalid("the organization name must be 1 to 200 characters without control characters")
        case .placeDoesNotFitRole: invalid("platform roles are held without an organization, the others within one")
        case .notFound: notFound
        case .notPermitted: forbidden("your role does not allow inviting to this role there")
        case .permissionNotHeld(let permission): forbidden("you do not hold the permission \(permission)")
        case .alreadyMember: conflict("that address already holds the role there")
        case .alreadyInvited: conflict("that address already has a pending invitation there")
        case .notPending(let state): conflict("the invitation is \(state.rawValue), not pending")
        case .otherAddress: forbidden("the invitation is for another address")
        }
    }

    static func problem(_ refusal: CustomRoles.Refusal) -> APIProblem {
        switch refusal {
        case .invalidPermission: invalid("a permission is a name or resource:action of lower-case letters, digits and _ . -")
        case .invalidDescription: invalid("the description must be at most 500 characters without control characters")
        case .invalidRoleName: invalid("a role name is a lower-case letter then up to 62 of a-z 0-9 _ . -")
        case .unknownPermission: invalid("a permission of the role is not defined")
        case .permissionExists: conflict("that permission is defined already")
        case .roleNameTaken: conflict("a role of that name exists there")
        case .roleInUse(let count): conflict("the role is assigned to \(count) users; delete it with force=true to unassign it")
        case .notFound: notFound
        case .notPermitted: forbidden("your role does not allow this")
        case .permissionNotHeld(let permission): forbidden("you do not hold the permission \(permission)")
        }
    }

    static func problem(_ refusal: APIKeys.Refusal) -> APIProblem {
        switch refusal {
        case .invalidName: invalid("the name must be 1 to \(APIKeys.maximumNameLength) characters without control characters")
        case .scopeCount: invalid("a key needs 1 to \(APIKeys.maximumScopes) scopes")
        case .scopeNotHeld(let scope):
            // Named only when it is a scope's shape, never any text a caller sent.
            forbidden(OrganizationNames.isPermission(scope) ? "you may not give a key the scope \(scope)" : "you may not give a key one of those scopes")
        case .invalidExpiry(let days): invalid("expires_at must be in the future and at most \(days) days away")
        case .tooManyKeys(let count): conflict("you have \(count) live keys, the most there may be; revoke one first")
        case .notFound: notFound
        case .notPermitted: forbidden("only a user creates keys, for themselves")
        }
    }

    /// A bearer token that is no good: 401 with RFC 6750's error in the challenge.
    static func problem(_ error: OAuthError) -> APIProblem {
        let description = error.description
        if error.code == .insufficientScope { return insufficientScope }
        if error.code == .invalidRequest {
            return APIProblem(status: .badRequest, name: "invalid-request", title: "Bad request", detail: description,
                              challenge: #"Bearer realm="gatehouse", error="invalid_request""#)
        }
        return APIProblem(status: .unauthorized, name: "invalid-token", title: "Unauthorized", detail: description,
                          challenge: #"Bearer realm="gatehouse", error="invalid_token""#)
    }
}
