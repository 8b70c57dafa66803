import Foundation
import GatehouseCore
import GatehouseTesting
import Testing

@Suite("Authorization request validation, check by check (RFC 6749 §4.1.1, OIDC Core §3.1.2.1)")
struct AuthorizationRequestValidatorTests {
    /// Clients kept in memory: these checks need no database.
    struct Clients: ClientStore {
        let clients: [Client]
        func create(_ client: Client) async throws {}
        func find(id: String) async throws -> Client? { clients.first { $0.id == id } }
        func list(owners: Set<UUID>?, after cursor: ClientCursor?, limit: Int) async throws -> [Client] { clients }
        func update(_ client: Client) async throws -> Bool { false }
        func delete(id: String) async throws -> Bool { false }
    }

    /// Refuses every token: hints are checked in the web tests with real keys.
    struct RefusingVerifier: TokenVerifier {
        func verify(_ compact: String) throws(TokenVerificationError) -> VerifiedJWS { throw .badSignature }
    }

    let confidential = Client(id: "web", secretDigest: [1], name: "Web", redirectURIs: ["https://app.example/cb"],
                              grantTypes: [.authorizationCode, .refreshToken], allowedScopes: [], createdAt: Date())
    let machine = Client(id: "machine", secretDigest: [1], name: "Machine", redirectURIs: ["https://m.example/cb"],
                         grantTypes: [.clientCredentials], allowedScopes: [], createdAt: Date())

    var validator: AuthorizationRequestValidator {
        AuthorizationRequestValidator(clients: Clients(clients: [confidential, machine]),
                                      idTokenHints: IDTokenHintReader(verifier: RefusingVerifier(), issuer: "https://id"),
                                      clock: TestClock())
    }

    func validate(_ pairs: [(String, String)]) async throws -> PendingAuthorization {
        try await validator.validate(RequestParameters(pairs))
    }

    func base(_ client: Client? = nil) -> [(String, String)] {
        let client = client ?? confidential
        return [("response_type", "code"), ("client_id", client.id), ("redirect_uri", client.redirectURIs[0]),
                ("scope", "openid profile"), ("state", "s1")]
    }

    @Test("a valid request becomes a pending authorization with every parameter kept")
    func valid() async throws {
        let pending = try await validate(base() + [("nonce", "n"), ("max_age", "30"), ("prompt", "login consent"), ("login_hint", "a@b")])
        #expect(pending.clientID == "web")
        #expect(pending.scopes == ["openid", "profile"])
        #expect(pending.state == "s1")
        #expect(pending.nonce == "n")
        #expect(pending.maxAge == 30)
        #expect(pending.prompt == [.login, .consent])
        #expect(pending.loginHint == "a@b")
        #expect(pending.codeChallenge == nil)
    }

    @Test("unknown scopes are dropped, not echoed (RFC 6749 §3.3)")
    func unknownScopesDropped() async throws {
        var pairs = base()
        pairs[3] = ("scope", "openid admin email")
        #expect(try await validate(pairs).scopes == ["openid", "email"])
    }

    @Test("every parameter the request may store has a size cap: one byte over is displayed as invalid_request, before any lookup",
          arguments: AuthorizationParameterLimits.maxBytes.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
    func parameterCaps(name: String, cap: Int) async throws {
        // An unknown client: had the cap not come first, this would fail as "not registered".
        let pairs = [("client_id", "ghost"), ("redirect_uri", "https://app.example/cb"), (name, String(repeating: "x", count: cap + 1))]
        let failure = await #expect(throws: AuthorizationFailure.self) { try await validate(pairs) }
        #expect(failure == .display(.valueTooLong(parameter: name, limit: cap)))
        let stored = ["state", "nonce", "login_hint", "redirect_uri", "scope", "acr_values", "ui_locales", "code_challenge",
                      "organization"]
        #expect(stored.allSatisfy { AuthorizationParameterLimits.maxBytes[$0] != nil })
    }

    @Test("missing client or redirect is displayed, never redirected, with its reason (RFC 6749 §4.1.2.1)")
    func displayed() async throws {
        let cases: [([(String, String)], AuthorizationFailure.Displayed)] = [
            ([("response_type", "code")], .missingClientID),
            ([("client_id", "web")], .missingRedirectURI),
            ([("client_id", "ghost"), ("redirect_uri", "https://app.example/cb")], .unknownClient),
            ([("client_id", "web"), ("redirect_uri", "https://app.example/other")], .unregisteredRedirectURI),
            ([("client_id", "web"), ("client_id", "web"), ("redirect_uri", "https://app.example/cb")], .missingClientID),
            ([("client_id", "web"), ("redirect_uri", "https://app.example/cb"), ("redirect_uri", "https://app.example/cb")], .missingRedirectURI),
        ]
        for (pairs, reason) in cases {
            let failure = await #expect(throws: AuthorizationFailure.self) { try await validate(pairs) }
            #expect(failure == .display(reason), "\(pairs)")
        }
    }

    @Test("a client without the code grant is unauthorized_client")
    func unauthorizedClient() async throws {
        await #expect(throws: AuthorizationFailure.self) { try await validate(base(machine)) }
        do {
            _ = try await validate(base(machine))
        } catch AuthorizationFailure.redirect(let error, _, let state, _) {
            #expect(error.code == .unauthorizedClient)
            #expect(state == "s1")
        }
    }
}

@Suite("acr_values and a client's MFA policy (OIDC Core §3.1.2.1)")
struct ACRValuesValidationTests {
    let base = AuthorizationRequestValidatorTests()

    @Test("acr_values are kept in order; asking for mfa marks the request as needing a second factor")
    func acrValues() async throws {
        let plain = try await base.validate(base.base())
        #expect(plain.acrValues == nil && plain.requiresMFA == false)
        let asked = try await base.validate(base.base() + [("acr_values", "mfa pwd")])
        #expect(asked.acrValues == ["mfa", "pwd"])
        #expect(asked.requiresMFA == true)
        let passwordOnly = try await base.validate(base.base() + [("acr_values", "pwd urn:unknown")])
        #expect(passwordOnly.requiresMFA == false, "unknown values are ignored (acr is a voluntary claim)")
    }

    @Test("a client that requires MFA makes every one of its requests need a second factor")
    func clientPolicy() async throws {
        var strict = base.confidential
        strict.id = "strict"
        strict.requireMFA = true
        let validator = AuthorizationRequestValidator(
            clients: AuthorizationRequestValidatorTests.Clients(clients: [strict]),
            idTokenHints: IDTokenHintReader(verifier: AuthorizationRequestValidatorTests.RefusingVerifier(), issuer: "https://id"),
            clock: SystemClock())
        let pending = try await validator.validate(RequestParameters(base.base(strict)))
        #expect(pending.requiresMFA == true)
    }
}

@Suite("The organization parameter (issue 10): an id or a slug, its form checked here, membership later")
struct OrganizationParameterValidationTests {
    let base = AuthorizationRequestValidatorTests()

    @Test("an id or a slug is kept as sent; none is nil")
    func kept() async throws {
        #expect(try await base.validate(base.base()).requestedOrganization == nil)
        let id = UUID()
        let byID = try await base.validate(base.base() + [("organization", id.uuidString)])
        #expect(byID.requestedOrganization?.id == id)
        #expect(byID.requestedOrganization?.slug == nil, "upper-case hex is no slug")
        let bySlug = try await base.validate(base.base() + [("organization", "acme-research")])
        #expect(bySlug.requestedOrganization?.slug == "acme-research")
        #expect(bySlug.requestedOrganization?.id == nil)
        let lowerID = try await base.validate(base.base() + [("organization", id.uuidString.lowercased())])
        #expect(lowerID.requestedOrganization?.id == id)
        #expect(lowerID.requestedOrganization?.slug == id.uuidString.lowercased(), "a lower-case id may also be a slug")
    }

    @Test("neither an id nor a slug is invalid_request, redirected with state and a fixed description",
          arguments: ["Acme", "acme_research", "-acme", "acme-", "org:acme", "acme research", String(repeating: "a", count: 64)])
    func malformed(value: String) async throws {
        do {
            _ = try await base.validate(base.base() + [("organization", value)])
            Issue.record("\(value) was accepted")
        } catch AuthorizationFailure.redirect(let error, _, let state, _) {
            #expect(error.code == .invalidRequest)
            #expect(error.description == "organization must be an organization id or slug")
            #expect(state == "s1")
        }
    }

    @Test("sent twice is a repeated parameter")
    func repeated() async throws {
        do {
            _ = try await base.validate(base.base() + [("organization", "acme"), ("organization", "globex")])
            Issue.record("accepted")
        } catch AuthorizationFailure.redirect(let error, _, _, _) {
            #expect(error.code == .invalidRequest)
            #expect(error.description == "the parameter organization was included more than once")
        }
    }

    @Test("stored and read back (the pending request is JSON in Redis)")
    func codable() throws {
        var pending = PendingAuthorization(
            clientID: "web", redirectURI: "https://app.example/cb", scopes: [], state: nil, nonce: nil, codeChallenge: nil,
            prompt: [], maxAge: nil, loginHint: nil, expectedSubject: nil, responseMode: .query, createdAt: Date())
        pending.requestedOrganization = OrganizationReference("acme")
        pending.chosenOrganizationID = UUID()
        let decoded = try JSONDecoder().decode(PendingAuthorization.self, from: JSONEncoder().encode(pending))
        #expect(decoded == pending)
        let tampered = Data(String(decoding: try JSONEncoder().encode(pending), as: UTF8.self)
            .replacingOccurrences(of: "\"acme\"", with: "\"Not A Slug\"").utf8)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(PendingAuthorization.self, from: tampered) }
    }
}
