import Foundation
import GatehouseCore
import GatehouseTesting
import Testing

/// `AuthorizationFlow.next(_:session:answer:)`, the one decision before any code (OIDC Core
/// §3.1.2.3–§3.1.2.6), rule by rule on the in-memory twins: one row per rule, each asserting
/// the exact step or error (`error` and `error_description`), as fosite's `flow_*_test.go` do.
@Suite("AuthorizationFlow: every rule before a code")
struct AuthorizationFlowTests {
    /// What the browser brings: no session, or a session of the request's user signed in `age`
    /// seconds ago with these methods.
    enum Session: Sendable {
        case none
        case signedIn(amr: [String] = ["pwd"], age: TimeInterval = 60)
    }

    /// The client as it is registered by the time the user answers.
    enum ClientNow: Sendable {
        case unchanged
        case requiresMFA
        case deleted
        case redirectURIRemoved
    }

    /// The user's organizations (issue 10): Acme and Globex exist; the user belongs to these.
    enum Belongs: Sendable {
        case none, acme, both
    }

    /// The `organization` parameter, or the picker's choice.
    enum Names: Sendable {
        case acmeBySlug, acmeByID, globexBySlug, unknownSlug, unknownID
    }

    enum Outcome: Equatable, Sendable {
        case login, chooseOrganization, secondFactor, consent, issue
        /// Back to the client's redirect URI with `error` and `error_description`.
        case error(OAuthError.Code, String)
        /// Gatehouse's own page: the client or its redirect URI is gone.
        case unknownApplication
    }

    struct Row: Sendable, CustomTestStringConvertible {
        let rule: String
        var session: Session = .signedIn()
        var prompt: Set<Prompt> = []
        var maxAge: Int?
        /// `id_token_hint`: nil, or whether its subject is the session's user.
        var hintNamesSessionUser: Bool?
        var signedInDuringRequest = false
        var deploymentRequiresMFA = false
        var clientNow: ClientNow = .unchanged
        /// `acr_values=mfa`, or a client that required MFA when the request was validated.
        var requestNeedsMFA = false
        var remembered: Set<String> = []
        var answer: AuthorizationFlow.ConsentAnswer?
        var responseMode: ResponseMode = .query
        var belongs: Belongs = .none
        /// A platform role the user holds (acts on every organization).
        var platformRole: Role?
        var named: Names?
        /// The organization picked on the picker (by id).
        var picked: Names?
        /// Acme's second-factor policy.
        var acmePolicy: SecondFactorPolicy = .optional
        /// The second factor the session proved (with `mfa` in its `amr`).
        var proven: ProvenSecondFactor?
        let expect: Outcome
        /// The organization the code carries ("acme", "globex"; nil: none), checked on `.issue`.
        var codeOrganization: String?
        /// The scopes remembered after the step (nil: not checked).
        var rememberedAfter: Set<String>?

        var testDescription: String { rule }
    }

    static let scopes = ["openid", "email"]

    static let rows: [Row] = [
        // 1. The client as registered now (OIDC Core §3.1.2.1: never redirect to an unchecked URI).
        Row(rule: "a client deleted since the request gets Gatehouse's own error page, not a redirect", clientNow: .deleted,
            expect: .unknownApplication),
        Row(rule: "a redirect URI removed since the request gets Gatehouse's own error page", clientNow: .redirectURIRemoved,
            expect: .unknownApplication),
        Row(rule: "a deleted client is refused before anything else, even prompt=none without a session",
            session: .none, prompt: [.none], clientNow: .deleted, expect: .unknownApplication),
        // 2. A session of the right user, fresh enough (OIDC Core §3.1.2.3).
        Row(rule: "no session: sign in", session: .none, expect: .login),
        Row(rule: "no session with prompt=none: login_required (OIDC Core §3.1.2.6)", session: .none, prompt: [.none],
            expect: .error(.loginRequired, "the user is not signed in")),
        Row(rule: "prompt=login asks for a new sign-in even with a session", prompt: [.login], remembered: Set(scopes), expect: .login),
        Row(rule: "prompt=login is met by the sign-in made during this request", prompt: [.login], signedInDuringRequest: true,
            remembered: Set(scopes), expect: .issue),
        Row(rule: "prompt=select_account asks for a sign-in (one account per browser)", prompt: [.selectAccount],
            remembered: Set(scopes), expect: .login),
        Row(rule: "max_age exceeded by the session's auth_time: sign in again", session: .signedIn(age: 301), maxAge: 300,
            remembered: Set(scopes), expect: .login),
        Row(rule: "max_age exceeded with prompt=none: login_required", session: .signedIn(age: 301), prompt: [.none], maxAge: 300,
            remembered: Set(scopes), expect: .error(.loginRequired, "the user is not signed in")),
        Row(rule: "max_age not yet reached: no new sign-in", session: .signedIn(age: 299), maxAge: 300, remembered: Set(scopes),
            expect: .issue),
        Row(rule: "max_age is met by the sign-in made during this request", session: .signedIn(age: 301), maxAge: 300,
            signedInDuringRequest: true, remembered: Set(scopes), expect: .issue),
        Row(rule: "an id_token_hint naming another user than the session's: sign in as that user", hintNamesSessionUser: false,
            remembered: Set(scopes), expect: .login),
        Row(rule: "an id_token_hint naming another user wins over a sign-in made during this request", hintNamesSessionUser: false,
            signedInDuringRequest: true, remembered: Set(scopes), expect: .login),
        Row(rule: "an id_token_hint naming another user with prompt=none: login_required", prompt: [.none], hintNamesSessionUser: false,
            remembered: Set(scopes), expect: .error(.loginRequired, "the user is not signed in")),
        Row(rule: "an id_token_hint naming the session's user goes on", hintNamesSessionUser: true, remembered: Set(scopes), expect: .issue),
        // 3. A second factor when the deployment, the client (as registered now) or the request needs one.
        Row(rule: "the deployment requires a second factor the session lacks: step up", deploymentRequiresMFA: true,
            remembered: Set(scopes), expect: .secondFactor),
        Row(rule: "the client requires a second factor since the request was made: step up", clientNow: .requiresMFA,
            remembered: Set(scopes), expect: .secondFactor),
        Row(rule: "the request asked for acr_values=mfa: step up", requestNeedsMFA: true, remembered: Set(scopes), expect: .secondFactor),
        Row(rule: "a second factor needed with prompt=none: interaction_required", prompt: [.none], deploymentRequiresMFA: true,
            remembered: Set(scopes), expect: .error(.interactionRequired, "the request needs a second factor")),
        Row(rule: "a session that proved a second factor (amr mfa) goes on", session: .signedIn(amr: ["pwd", "otp", "mfa"]),
            deploymentRequiresMFA: true, clientNow: .requiresMFA, requestNeedsMFA: true, remembered: Set(scopes), expect: .issue),
        Row(rule: "an approval on a session that lacks the needed factor records nothing and steps up", clientNow: .requiresMFA,
            answer: .approve, expect: .secondFactor, rememberedAfter: []),
        // 4. Consent to every scope (OIDC Core §3.1.2.4).
        Row(rule: "no remembered consent: ask", expect: .consent),
        Row(rule: "a remembered consent short of one scope: ask", remembered: ["openid"], expect: .consent),
        Row(rule: "no remembered consent with prompt=none: consent_required", prompt: [.none],
            expect: .error(.consentRequired, "the user has not approved this application")),
        Row(rule: "a remembered consent to every scope: issue a code", remembered: Set(scopes), expect: .issue),
        Row(rule: "prompt=consent asks again despite a remembered consent", prompt: [.consent], remembered: Set(scopes), expect: .consent),
        Row(rule: "an approval records the scopes and issues a code", answer: .approve, expect: .issue, rememberedAfter: Set(scopes)),
        Row(rule: "an approval adds to what was remembered", remembered: ["profile"], answer: .approve, expect: .issue,
            rememberedAfter: ["profile", "openid", "email"]),
        Row(rule: "an approval answers prompt=consent", prompt: [.consent], answer: .approve, expect: .issue, rememberedAfter: Set(scopes)),
        Row(rule: "a denial: access_denied, nothing remembered (OIDC Core §3.1.2.6)", answer: .deny,
            expect: .error(.accessDenied, "the user denied the request"), rememberedAfter: []),
        Row(rule: "a denial needs no second factor: nothing is issued", deploymentRequiresMFA: true, answer: .deny,
            expect: .error(.accessDenied, "the user denied the request")),
        Row(rule: "a denial without a session asks for the sign-in first", session: .none, answer: .deny, expect: .login),
        Row(rule: "an error goes back in the request's response mode (form_post)", session: .none, prompt: [.none],
            responseMode: .formPost, expect: .error(.loginRequired, "the user is not signed in")),
        // The active organization (issue 10): named, picked, or the only one.
        Row(rule: "no memberships and none named: no organization", remembered: Set(scopes), expect: .issue),
        Row(rule: "the only membership is the active organization", remembered: Set(scopes), belongs: .acme, expect: .issue,
            codeOrganization: "acme"),
        Row(rule: "an organization named by slug that the user belongs to", remembered: Set(scopes), belongs: .both,
            named: .globexBySlug, expect: .issue, codeOrganization: "globex"),
        Row(rule: "an organization named by id that the user belongs to", remembered: Set(scopes), belongs: .both, named: .acmeByID,
            expect: .issue, codeOrganization: "acme"),
        Row(rule: "a named organization the user does not belong to: access_denied", remembered: Set(scopes), belongs: .acme,
            named: .globexBySlug, expect: .error(.accessDenied, "the user may not sign in to the requested organization")),
        Row(rule: "an unknown slug answers like an organization one does not belong to", remembered: Set(scopes), belongs: .acme,
            named: .unknownSlug, expect: .error(.accessDenied, "the user may not sign in to the requested organization")),
        Row(rule: "an unknown id answers the same", remembered: Set(scopes), named: .unknownID,
            expect: .error(.accessDenied, "the user may not sign in to the requested organization")),
        Row(rule: "a refused organization is refused before consent is asked", belongs: .acme, named: .globexBySlug,
            expect: .error(.accessDenied, "the user may not sign in to the requested organization")),
        Row(rule: "a refused organization records no approval", answer: .approve, belongs: .acme, named: .globexBySlug,
            expect: .error(.accessDenied, "the user may not sign in to the requested organization"), rememberedAfter: []),
        Row(rule: "a platform role may name any organization", remembered: Set(scopes), platformRole: .operator, named: .globexBySlug,
            expect: .issue, codeOrganization: "globex"),
        Row(rule: "several memberships and none named: the picker", remembered: Set(scopes), belongs: .both, expect: .chooseOrganization),
        Row(rule: "the picker comes before consent", belongs: .both, expect: .chooseOrganization),
        Row(rule: "several memberships with prompt=none: interaction_required", prompt: [.none], remembered: Set(scopes),
            belongs: .both, expect: .error(.interactionRequired, "the user must choose an organization")),
        Row(rule: "the picked organization is the active one", remembered: Set(scopes), belongs: .both, picked: .globexBySlug,
            expect: .issue, codeOrganization: "globex"),
        Row(rule: "a picked organization the user has left since: access_denied", remembered: Set(scopes), belongs: .acme,
            picked: .globexBySlug, expect: .error(.accessDenied, "the user may not sign in to the requested organization")),
        Row(rule: "no session: sign in before any organization is looked at", session: .none, belongs: .acme, named: .globexBySlug,
            expect: .login),
        // The active organization's second-factor policy, as a client's --require-mfa.
        Row(rule: "the organization requires a second factor the session lacks: step up", remembered: Set(scopes), belongs: .acme,
            acmePolicy: .required([.authenticatorApp]), expect: .secondFactor),
        Row(rule: "the organization requires a second factor, prompt=none: interaction_required", prompt: [.none],
            remembered: Set(scopes), belongs: .acme, acmePolicy: .required([.authenticatorApp, .emailedCode]),
            expect: .error(.interactionRequired, "the request needs a second factor")),
        Row(rule: "the organization requires a second factor the session proved: issue", session: .signedIn(amr: ["pwd", "otp", "mfa"]),
            remembered: Set(scopes), belongs: .acme, acmePolicy: .required([.emailedCode]), proven: .emailedCode, expect: .issue,
            codeOrganization: "acme"),
        Row(rule: "an optional policy asks for nothing", remembered: Set(scopes), belongs: .acme, acmePolicy: .optional,
            expect: .issue, codeOrganization: "acme"),
        Row(rule: "a policy switched off asks for nothing", remembered: Set(scopes), belongs: .acme, acmePolicy: .off,
            expect: .issue, codeOrganization: "acme"),
        Row(rule: "another organization's required policy asks nothing of this sign-in", remembered: Set(scopes), belongs: .both,
            named: .globexBySlug, acmePolicy: .required([.authenticatorApp]), expect: .issue, codeOrganization: "globex"),
        Row(rule: "emailed codes only, the session proved an authenticator: step up", session: .signedIn(amr: ["pwd", "otp", "mfa"]),
            remembered: Set(scopes), belongs: .acme, acmePolicy: .required([.emailedCode]), proven: .authenticatorApp,
            expect: .secondFactor),
        Row(rule: "emailed codes only, the session proved an authenticator, prompt=none: interaction_required", session: .signedIn(amr: ["pwd", "otp", "mfa"]),
            prompt: [.none], remembered: Set(scopes), belongs: .acme, acmePolicy: .required([.emailedCode]), proven: .authenticatorApp,
            expect: .error(.interactionRequired, "the request needs a second factor")),
        Row(rule: "emailed codes only, the session proved an emailed code: issue", session: .signedIn(amr: ["pwd", "otp", "mfa"]),
            remembered: Set(scopes), belongs: .acme, acmePolicy: .required([.emailedCode]), proven: .emailedCode,
            expect: .issue, codeOrganization: "acme"),
        Row(rule: "a recovery code stands in for any allowed method", session: .signedIn(amr: ["pwd", "mfa"]),
            remembered: Set(scopes), belongs: .acme, acmePolicy: .required([.authenticatorApp]), proven: .recoveryCode,
            expect: .issue, codeOrganization: "acme"),
        Row(rule: "a session whose factor is not recorded steps up for an organization that narrows the methods",
            session: .signedIn(amr: ["pwd", "otp", "mfa"]), remembered: Set(scopes), belongs: .acme,
            acmePolicy: .required([.authenticatorApp]), expect: .secondFactor),
        Row(rule: "a session whose factor is not recorded meets an organization that allows either",
            session: .signedIn(amr: ["pwd", "otp", "mfa"]), remembered: Set(scopes), belongs: .acme,
            acmePolicy: .required([.authenticatorApp, .emailedCode]), expect: .issue, codeOrganization: "acme"),
        Row(rule: "an approval for an organization that requires a factor the session lacks records nothing and steps up",
            answer: .approve, belongs: .acme, acmePolicy: .required([.authenticatorApp]), expect: .secondFactor, rememberedAfter: []),
    ]

    @Test("the next step", arguments: rows)
    func next(_ row: Row) async throws {
        let world = try await World(row)
        let outcome: Outcome
        var step: AuthorizationFlow.Step?
        do {
            step = try await world.flow.next(world.pending, session: world.session, answer: row.answer)
            outcome = world.outcome(of: step!)
        } catch let failure as AuthorizationFailure {
            outcome = try world.outcome(of: failure)
        }
        #expect(outcome == row.expect)
        if case .issue(let code, _)? = step {
            #expect(try await world.codeOrganization(code) == row.codeOrganization.flatMap { world.organizationIDs[$0] },
                    "the code carries the active organization")
        }
        if let rememberedAfter = row.rememberedAfter {
            #expect(try await world.stores.consents.grantedScopes(userID: world.user.id, clientID: world.client.id) == rememberedAfter)
        }
        let consentEvents = await world.stores.audit.events(ofType: .consentGranted)
        #expect(consentEvents.count == (row.answer == .approve && row.expect == .issue ? 1 : 0), "an approval is audited once it counts")
    }

    @Test("the code is issued for this request's session: its user, auth_time, amr, scopes, nonce and PKCE challenge")
    func issuedCode() async throws {
        let world = try await World(Row(rule: "issue", session: .signedIn(amr: ["pwd", "otp", "mfa"], age: 42),
                                        remembered: Set(Self.scopes), expect: .issue))
        guard case .issue(let code, let redirect) = try await world.flow.next(world.pending, session: world.session) else {
            Issue.record("expected a code")
            return
        }
        #expect(redirect.uri == world.client.redirectURIs[0])
        let session = try #require(world.session)
        let binding = CodeBinding(clientID: world.client.id, redirectURI: world.pending.redirectURI, codeChallenge: world.pending.codeChallenge)
        let marker = CodeUseMarker(binding: binding, accessTokenID: "jti", accessTokenExpiresAt: world.stores.clock.now, grantID: UUID())
        guard case .fresh(let record) = try await world.stores.states.consumeCode(
            digest: TestCrypto().tokenDigest(code), presented: binding, marker: marker, markerTTL: .seconds(60)) else {
            Issue.record("the code was not stored under its digest")
            return
        }
        #expect(record.userID == world.user.id)
        #expect(record.sessionID == session.id)
        #expect(record.authTime == session.authTime)
        #expect(record.amr == ["pwd", "otp", "mfa"])
        #expect(record.scopes == Self.scopes)
        #expect(record.nonce == "nonce-1")
        #expect(record.codeChallenge == world.pending.codeChallenge)
    }

    /// One request, its client and user, and the browser's session, built from a row.
    struct World {
        let stores = InMemoryStores()
        let flow: AuthorizationFlow
        let client: Client
        let user: User
        let pending: PendingAuthorization
        let session: BrowserSession?
        let redirect: VerifiedRedirect
        /// "acme" and "globex" by their ids.
        let organizationIDs: [String: UUID]

        init(_ row: Row) async throws {
            let clock = stores.clock
            var settings = ProviderSettings(issuer: "https://id.gatehouse.test")
            settings.requireMFA = row.deploymentRequiresMFA
            flow = AuthorizationFlow(states: stores.states, consents: stores.consents, clients: stores.clients,
                                     organizations: ActiveOrganization(organizations: stores.organizations, memberships: stores.memberships),
                                     crypto: TestCrypto(), settings: settings, audit: stores.audit, clock: clock)
            var client = Client(id: "web", secretDigest: [1], name: "Web App", redirectURIs: ["https://app.example/cb"],
                                grantTypes: [.authorizationCode], allowedScopes: [], createdAt: clock.now)
            try await stores.clients.create(client)
            redirect = try #require(RedirectURIPolicy.verify("https://app.example/cb", for: client))
            user = User(id: UUID(), email: "ada@example.test", emailVerified: true, passwordHash: nil, createdAt: clock.now,
                        updatedAt: clock.now)
            try await stores.users.create(user)
            let other = User(id: UUID(), email: "grace@example.test", emailVerified: true, passwordHash: nil, createdAt: clock.now,
                             updatedAt: clock.now)
            try await stores.users.create(other)
            if !row.remembered.isEmpty {
                try await stores.consents.grant(userID: user.id, clientID: client.id, scopes: row.remembered, at: clock.now)
            }
            switch row.session {
            case .none:
                session = nil
            case .signedIn(let amr, let age):
                let now = clock.now
                var signedIn = BrowserSession(id: UUID(), userID: user.id, authTime: now.addingTimeInterval(-age), amr: amr,
                                              createdAt: now, expiresAt: now.addingTimeInterval(3600), lastSeenAt: now,
                                              ipAddress: nil, userAgent: nil)
                signedIn.secondFactor = row.proven
                session = signedIn
            }
            var pending = PendingAuthorization(
                clientID: client.id, redirectURI: "https://app.example/cb", scopes: AuthorizationFlowTests.scopes, state: "xyz",
                nonce: "nonce-1", codeChallenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", prompt: row.prompt, maxAge: row.maxAge,
                loginHint: nil, expectedSubject: nil, responseMode: row.responseMode, createdAt: clock.now)
            if let namesSessionUser = row.hintNamesSessionUser {
                pending.expectedSubject = (namesSessionUser ? user.id : other.id).uuidString.lowercased()
            }
            if row.signedInDuringRequest { pending.authenticatedSessionID = session?.id }
            let acme = try await stores.organizations.create(Organization(
                id: UUID(), name: "Acme", slug: "acme", status: .active, secondFactor: row.acmePolicy, createdAt: clock.now, createdBy: nil))
            let globex = try await stores.organizations.create(Organization(
                id: UUID(), name: "Globex", slug: "globex", status: .active, createdAt: clock.now, createdBy: nil))
            organizationIDs = ["acme": acme.id, "globex": globex.id]
            for organization in row.belongs == .both ? [acme, globex] : row.belongs == .acme ? [acme] : [] {
                try await stores.memberships.save(Membership(organizationID: organization.id, userID: user.id, role: .clientUser,
                                                             createdAt: clock.now, createdBy: nil), at: clock.now, by: nil)
            }
            if let role = row.platformRole { try await stores.memberships.setPlatformRole(role, userID: user.id, at: clock.now, by: nil) }
            func reference(_ names: Names) -> OrganizationReference? {
                switch names {
                case .acmeBySlug: OrganizationReference("acme")
                case .acmeByID: OrganizationReference(acme.id.uuidString)
                case .globexBySlug: OrganizationReference("globex")
                case .unknownSlug: OrganizationReference("initech")
                case .unknownID: OrganizationReference(UUID().uuidString)
                }
            }
            pending.requestedOrganization = row.named.flatMap(reference)
            pending.chosenOrganizationID = row.picked.flatMap(reference).map { $0.text == "acme" ? acme.id : $0.text == "globex" ? globex.id : UUID() }
            if row.requestNeedsMFA { pending.requiresMFA = true }
            self.pending = pending
            switch row.clientNow {
            case .unchanged: break
            case .requiresMFA:
                client.requireMFA = true
                _ = try await stores.clients.update(client)
            case .deleted:
                _ = try await stores.clients.delete(id: client.id)
            case .redirectURIRemoved:
                client.redirectURIs = ["https://app.example/new-cb"]
                _ = try await stores.clients.update(client)
            }
            self.client = client
        }

        func outcome(of step: AuthorizationFlow.Step) -> Outcome {
            switch step {
            case .login: .login
            case .chooseOrganization: .chooseOrganization
            case .secondFactor: .secondFactor
            case .consent: .consent
            case .issue: .issue
            }
        }

        /// The organization the stored code carries.
        func codeOrganization(_ code: String) async throws -> UUID? {
            let binding = CodeBinding(clientID: client.id, redirectURI: pending.redirectURI, codeChallenge: pending.codeChallenge)
            let marker = CodeUseMarker(binding: binding, accessTokenID: "jti", accessTokenExpiresAt: stores.clock.now, grantID: UUID())
            guard case .fresh(let record) = try await stores.states.consumeCode(
                digest: TestCrypto().tokenDigest(code), presented: binding, marker: marker, markerTTL: .seconds(60)) else {
                Issue.record("the code was not stored under its digest")
                return nil
            }
            return record.organizationID
        }

        /// A redirect must go to the request's (checked) redirect URI with its state and mode.
        func outcome(of failure: AuthorizationFailure) throws -> Outcome {
            switch failure {
            case .display(let displayed):
                #expect(displayed == .clientNoLongerRegistered)
                return .unknownApplication
            case .redirect(let error, let to, let state, let responseMode):
                #expect(to == redirect)
                #expect(state == "xyz")
                #expect(responseMode == pending.responseMode)
                return .error(error.code, error.description)
            }
        }
    }
}
