import Foundation
import GatehouseCore
import GatehouseTesting
import Testing

/// The second-factor rule of a sign-in (issue 10 item 3): what `AuthorizationFlow` requires for
/// a request (the deployment, the client, `acr_values`, the active organization's policy and its
/// methods), and the step a sign-in takes with the factors the user holds. One row per rule.
@Suite("Second-factor requirement: the organization's policy as a --require-mfa client's")
struct SecondFactorRequirementTests {
    struct StepRow: Sendable, CustomTestStringConvertible {
        let rule: String
        var required = true
        var allowed: Set<SecondFactorMethod> = Set(SecondFactorMethod.allCases)
        var held: [MFACredential.Kind] = []
        var amr: [String] = ["pwd"]
        let expect: SecondFactorRequirement.Step
        let mayEnrol: Bool

        var testDescription: String { rule }
    }

    static let stepRows: [StepRow] = [
        StepRow(rule: "nothing required, no factor: no second step", required: false, expect: .none, mayEnrol: true),
        StepRow(rule: "nothing required, a factor held: it is proven", required: false, held: [.totp], expect: .prove([.totp]),
                mayEnrol: false),
        StepRow(rule: "nothing required, a factor proven: done", required: false, held: [.email], amr: ["pwd", "otp", "mfa"],
                expect: .none, mayEnrol: false),
        StepRow(rule: "required, no factor: enrol (the password may set up the first)", expect: .enrol, mayEnrol: true),
        StepRow(rule: "required, an allowed factor held: it is proven", allowed: [.authenticatorApp], held: [.totp],
                expect: .prove([.totp]), mayEnrol: false),
        StepRow(rule: "required, both held, one allowed: only the allowed one is offered", allowed: [.emailedCode], held: [.totp, .email],
                expect: .prove([.email]), mayEnrol: false),
        StepRow(rule: "required, an allowed factor proven: done", allowed: [.emailedCode], held: [.email], amr: ["pwd", "otp", "mfa"],
                expect: .none, mayEnrol: false),
        StepRow(rule: "required, only a disallowed factor held: it is proven first (a password alone adds no factor)",
                allowed: [.emailedCode], held: [.totp], expect: .prove([.totp]), mayEnrol: false),
        StepRow(rule: "required, the disallowed factor proven: enrol an allowed one", allowed: [.emailedCode], held: [.totp],
                amr: ["pwd", "otp", "mfa"], expect: .enrol, mayEnrol: true),
    ]

    @Test("the sign-in's step and whether it may enrol", arguments: stepRows)
    func step(_ row: StepRow) {
        let requirement = SecondFactorRequirement(isRequired: row.required, allowedMethods: row.allowed)
        #expect(requirement.step(held: row.held, amr: row.amr) == row.expect)
        #expect(requirement.mayEnrol(held: row.held, amr: row.amr) == row.mayEnrol)
    }

    @Test("which proven factor a requirement accepts: the allowed methods, a recovery code always, an unrecorded one only when all are allowed")
    func accepts() {
        let app = SecondFactorRequirement(isRequired: true, allowedMethods: [.authenticatorApp])
        let either = SecondFactorRequirement(isRequired: true)
        #expect(app.accepts(.authenticatorApp) && !app.accepts(.emailedCode) && app.accepts(.recoveryCode) && !app.accepts(nil))
        #expect(either.accepts(.authenticatorApp) && either.accepts(.emailedCode) && either.accepts(.recoveryCode) && either.accepts(nil))
    }

    struct PolicyRow: Sendable, CustomTestStringConvertible {
        let rule: String
        var policy: SecondFactorPolicy = .optional
        /// Whether the request names the organization (else: the user's only one).
        var member = true
        var deploymentRequires = false
        var clientRequires = false
        let expect: SecondFactorRequirement

        var testDescription: String { rule }
    }

    static let all = Set(SecondFactorMethod.allCases)

    static let policyRows: [PolicyRow] = [
        PolicyRow(rule: "an optional policy requires nothing", expect: SecondFactorRequirement(isRequired: false, allowedMethods: all)),
        PolicyRow(rule: "a policy switched off requires nothing", policy: .off,
                  expect: SecondFactorRequirement(isRequired: false, allowedMethods: all)),
        PolicyRow(rule: "required with the authenticator app", policy: .required([.authenticatorApp]),
                  expect: SecondFactorRequirement(isRequired: true, allowedMethods: [.authenticatorApp])),
        PolicyRow(rule: "required with emailed codes", policy: .required([.emailedCode]),
                  expect: SecondFactorRequirement(isRequired: true, allowedMethods: [.emailedCode])),
        PolicyRow(rule: "required with either", policy: .required([.authenticatorApp, .emailedCode]),
                  expect: SecondFactorRequirement(isRequired: true, allowedMethods: all)),
        PolicyRow(rule: "the deployment's rule still counts under an optional policy", deploymentRequires: true,
                  expect: SecondFactorRequirement(isRequired: true, allowedMethods: all)),
        PolicyRow(rule: "a --require-mfa client under an organization that narrows the methods: required, those methods",
                  policy: .required([.emailedCode]), clientRequires: true,
                  expect: SecondFactorRequirement(isRequired: true, allowedMethods: [.emailedCode])),
        PolicyRow(rule: "an organization the user does not belong to adds nothing (the flow refuses it)", policy: .required([.emailedCode]),
                  member: false, expect: SecondFactorRequirement(isRequired: false, allowedMethods: all)),
    ]

    @Test("AuthorizationFlow.secondFactorRequirement on the twins", arguments: policyRows)
    func requirement(_ row: PolicyRow) async throws {
        let stores = InMemoryStores()
        let now = stores.clock.now
        var settings = ProviderSettings(issuer: "https://id.gatehouse.test")
        settings.requireMFA = row.deploymentRequires
        let flow = AuthorizationFlow(states: stores.states, consents: stores.consents, clients: stores.clients,
                                     organizations: ActiveOrganization(organizations: stores.organizations, memberships: stores.memberships),
                                     crypto: TestCrypto(), settings: settings, audit: stores.audit, clock: stores.clock)
        var client = Client(id: "web", secretDigest: [1], name: "Web", redirectURIs: ["https://app.example/cb"],
                            grantTypes: [.authorizationCode], allowedScopes: [], createdAt: now)
        client.requireMFA = row.clientRequires
        try await stores.clients.create(client)
        let user = User(id: UUID(), email: "ada@example.test", emailVerified: true, passwordHash: nil, createdAt: now, updatedAt: now)
        try await stores.users.create(user)
        let organization = try await stores.organizations.create(Organization(
            id: UUID(), name: "Acme", slug: "acme", status: .active, secondFactor: row.policy, createdAt: now, createdBy: nil))
        if row.member {
            try await stores.memberships.save(Membership(organizationID: organization.id, userID: user.id, role: .clientUser,
                                                         createdAt: now, createdBy: nil), at: now, by: nil)
        }
        var pending = PendingAuthorization(
            clientID: client.id, redirectURI: "https://app.example/cb", scopes: ["openid"], state: nil, nonce: nil,
            codeChallenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", prompt: [], maxAge: nil, loginHint: nil,
            expectedSubject: nil, responseMode: .query, createdAt: now)
        pending.requestedOrganization = OrganizationReference("acme")
        #expect(try await flow.secondFactorRequirement(pending, userID: user.id) == row.expect)
    }
}
