import Foundation

/// Validates an authorization request (RFC 6749 §4.1.1, OIDC Core §3.1.2.1–§3.1.2.2) into a
/// `PendingAuthorization`. The checks run top to bottom; until the client and redirect URI are
/// trusted, failures are displayed, afterwards they are redirected with `state`.
public struct AuthorizationRequestValidator: Sendable {
    let clients: any ClientStore
    let idTokenHints: IDTokenHintReader
    let clock: any Clock

    public init(clients: any ClientStore, idTokenHints: IDTokenHintReader, clock: any Clock) {
        self.clients = clients
        self.idTokenHints = idTokenHints
        self.clock = clock
    }

    public func validate(_ parameters: RequestParameters) async throws -> PendingAuthorization {
        try rejectOversizedParameters(parameters)
        let (client, redirect) = try await trustedClientAndRedirect(parameters)
        let context = FailureContext(redirect: redirect, state: parameters["state"],
                                     responseMode: ResponseMode(rawValue: parameters["response_mode"] ?? "") ?? .query)

        try rejectRepeatedParameters(parameters, context)
        try rejectRequestObjects(parameters, context)
        let responseMode = try checkResponseMode(parameters, context)
        try checkResponseType(parameters, context)
        try checkClientMayUseCodeGrant(client, context)
        let scopes = try checkScopes(parameters, client: client, context)
        let challenge = try checkPKCE(parameters, client: client, context)
        let prompt = try checkPrompt(parameters, context)
        let maxAge = try checkMaxAge(parameters, context)
        let expectedSubject = try checkIDTokenHint(parameters, client: client, context)
        let acrValues = checkACRValues(parameters)
        let organization = try checkOrganization(parameters, context)

        var pending = PendingAuthorization(
            clientID: client.id, redirectURI: redirect.uri, scopes: scopes, state: parameters["state"],
            nonce: parameters["nonce"], codeChallenge: challenge, prompt: prompt, maxAge: maxAge,
            loginHint: parameters["login_hint"], expectedSubject: expectedSubject,
            responseMode: responseMode, createdAt: clock.now)
        pending.acrValues = acrValues
        pending.requiresMFA = client.requireMFA || acrValues?.contains(AuthenticationMethods.multiFactorClass) == true
        pending.requestedOrganization = organization
        return pending
    }

    struct FailureContext {
        let redirect: VerifiedRedirect
        let state: String?
        let responseMode: ResponseMode

        func fail(_ code: OAuthError.Code, _ reason: OAuthError.Reason) -> AuthorizationFailure {
            .redirect(OAuthError(code, reason), to: redirect, state: state, responseMode: responseMode)
        }
    }

    /// `AuthorizationParameterLimits`: a value over its cap is refused first, before any lookup
    /// and before anything is stored, and shown (400 `invalid_request`) rather than redirected:
    /// echoing an oversized `state` back is what the cap is there to prevent.
    func rejectOversizedParameters(_ parameters: RequestParameters) throws {
        guard let (name, limit) = AuthorizationParameterLimits.firstOverLimit(parameters) else { return }
        throw AuthorizationFailure.display(.valueTooLong(parameter: name, limit: limit))
    }

    /// RFC 6749 §4.1.2.1: an unknown client or an unregistered redirect URI must not be
    /// redirected to; the user is told instead.
    func trustedClientAndRedirect(_ parameters: RequestParameters) async throws -> (Client, VerifiedRedirect) {
        let repeated = parameters.repeatedNames
        guard !repeated.contains("client_id"), let clientID = parameters["client_id"] else {
            throw AuthorizationFailure.display(.missingClientID)
        }
        guard let client = try await clients.find(id: clientID) else {
            throw AuthorizationFailure.display(.unknownClient)
        }
        guard !repeated.contains("redirect_uri"), let requested = parameters["redirect_uri"] else {
            throw AuthorizationFailure.display(.missingRedirectURI)
        }
        guard let redirect = RedirectURIPolicy.verify(requested, for: client) else {
            throw AuthorizationFailure.display(.unregisteredRedirectURI)
        }
        return (client, redirect)
    }

    /// RFC 6749 §3.1: parameters must not be included more than once.
    func rejectRepeatedParameters(_ parameters: RequestParameters, _ context: FailureContext) throws {
        if let name = parameters.repeatedNames.first {
            throw context.fail(.invalidRequest, .repeatedParameter(ParameterName(rawValue: name)))
        }
    }

    /// OIDC Core §6: request objects are not supported (and not advertised).
    func rejectRequestObjects(_ parameters: RequestParameters, _ context: FailureContext) throws {
        if parameters["request"] != nil {
            throw context.fail(.requestNotSupported, .requestObjectsNotSupported)
        }
        if parameters["request_uri"] != nil {
            throw context.fail(.requestURINotSupported, .requestURINotSupported)
        }
    }

    /// OAuth 2.0 Multiple Response Types §2.1 / Form Post Response Mode: query or form_post only.
    func checkResponseMode(_ parameters: RequestParameters, _ context: FailureContext) throws -> ResponseMode {
        guard let text = parameters["response_mode"] else { return .query }
        guard let mode = ResponseMode(rawValue: text) else {
            throw context.fail(.invalidRequest, .unsupportedResponseMode)
        }
        return mode
    }

    /// RFC 6749 §4.1.1 / RFC 9700 §2.1.2: only the code flow; implicit and hybrid are refused.
    func checkResponseType(_ parameters: RequestParameters, _ context: FailureContext) throws {
        guard let responseType = parameters["response_type"] else {
            throw context.fail(.invalidRequest, .missingParameter(.responseType))
        }
        guard responseType == "code" else {
            throw context.fail(.unsupportedResponseType, .unsupportedResponseType)
        }
    }

    /// RFC 6749 §4.1.2.1 `unauthorized_client`.
    func checkClientMayUseCodeGrant(_ client: Client, _ context: FailureContext) throws {
        guard client.allows(.authorizationCode) else {
            throw context.fail(.unauthorizedClient, .grantNotAllowed(.authorizationCode))
        }
    }

    /// RFC 6749 §3.3: malformed scope is refused; scopes the client may not have are dropped
    /// (the token response reports the granted scope). `offline_access` is dropped for a client
    /// without the refresh_token grant (OIDC Core §11: it would bring nothing).
    func checkScopes(_ parameters: RequestParameters, client: Client, _ context: FailureContext) throws -> [String] {
        guard let requested = Scope.parse(parameters["scope"]) else {
            throw context.fail(.invalidScope, .malformedScope)
        }
        return requested.filter { client.permittedScopes.contains($0) && ($0 != Scope.offlineAccess || OfflineAccess.isAvailable(to: client)) }
    }

    /// RFC 7636 §4.3 and RFC 9700 §2.1.1: S256 only; public clients must send a challenge.
    func checkPKCE(_ parameters: RequestParameters, client: Client, _ context: FailureContext) throws -> String? {
        let method = parameters["code_challenge_method"]
        guard let challenge = parameters["code_challenge"] else {
            if method != nil {
                throw context.fail(.invalidRequest, .challengeMethodWithoutChallenge)
            }
            if client.isPublic {
                throw context.fail(.invalidRequest, .pkceRequired)
            }
            return nil
        }
        guard method == "S256" else {
            throw context.fail(.invalidRequest, .challengeMethodNotS256)
        }
        guard PKCE.isWellFormed(challenge) else {
            throw context.fail(.invalidRequest, .malformedCodeChallenge)
        }
        return challenge
    }

    /// OIDC Core §3.1.2.1 `prompt`: known values only; `none` stands alone.
    func checkPrompt(_ parameters: RequestParameters, _ context: FailureContext) throws -> Set<Prompt> {
        guard let text = parameters["prompt"] else { return [] }
        var prompts = Set<Prompt>()
        for word in text.split(separator: " ") {
            guard let prompt = Prompt(rawValue: String(word)) else {
                throw context.fail(.invalidRequest, .unsupportedPrompt)
            }
            prompts.insert(prompt)
        }
        if prompts.contains(.none) && prompts.count > 1 {
            throw context.fail(.invalidRequest, .promptNoneCombined)
        }
        return prompts
    }

    /// OIDC Core §3.1.2.1 `max_age`: a non-negative number of seconds.
    func checkMaxAge(_ parameters: RequestParameters, _ context: FailureContext) throws -> Int? {
        guard let text = parameters["max_age"] else { return nil }
        guard let value = Int(text), value >= 0 else {
            throw context.fail(.invalidRequest, .malformedMaxAge)
        }
        return value
    }

    /// OIDC Core §3.1.2.1 `acr_values`: space-separated, in order of preference. It is a
    /// voluntary claim, so unknown values are ignored; asking for `mfa` requires a second factor.
    func checkACRValues(_ parameters: RequestParameters) -> [String]? {
        guard let text = parameters["acr_values"] else { return nil }
        let values = text.split(separator: " ").map(String.init).prefix(16)
        return values.isEmpty ? nil : Array(values)
    }

    /// `organization` (issue 10, as Auth0 takes it): an organization's id or slug. Only its form
    /// is checked here; whether the user may act for it is `AuthorizationFlow`'s question, asked
    /// once the user is known and answered alike for an organization that does not exist.
    func checkOrganization(_ parameters: RequestParameters, _ context: FailureContext) throws -> OrganizationReference? {
        guard let text = parameters["organization"] else { return nil }
        guard let reference = OrganizationReference(text) else {
            throw context.fail(.invalidRequest, .malformedOrganization)
        }
        return reference
    }

    /// OIDC Core §3.1.2.1 `id_token_hint`: an ID token we issued (expired ones are fine).
    func checkIDTokenHint(_ parameters: RequestParameters, client: Client, _ context: FailureContext) throws -> String? {
        guard let hint = parameters["id_token_hint"] else { return nil }
        guard let subject = idTokenHints.subject(of: hint) else {
            throw context.fail(.invalidRequest, .foreignIDTokenHint)
        }
        return subject
    }
}
