import Foundation
import GatehouseCore
import Testing

/// Issue 11 item 8's rule of who may sign in as whom, cell by cell: every actor role × every kind
/// of target, the expected answer written out here independently of `SupportSignInRules`.
@Suite("Support sign-in rules: who may act as whom, and the reason")
struct SupportSignInRulesTests {
    static let organization = UserAdministrationRulesTests.organization
    static let actorID = UUID(uuidString: "00000000-0000-0000-0000-0000000000a1")!

    /// The same six actors as the user administration rules' table.
    static let actors = UserAdministrationRulesTests.actors

    /// The targets: each role, a user with none, the actor themselves, and the two statuses that
    /// cannot sign in.
    static let targets: [(String, SupportSignInRules.Target)] = [
        ("super_admin", .init(userID: UUID(), status: .active, platformRole: .superAdmin)),
        ("site_admin", .init(userID: UUID(), status: .active, platformRole: .siteAdmin)),
        ("operator", .init(userID: UUID(), status: .active, platformRole: .operator)),
        ("client_admin", .init(userID: UUID(), status: .active, organizationRoles: [organization: .clientAdmin])),
        ("client_user", .init(userID: UUID(), status: .active, organizationRoles: [organization: .clientUser])),
        ("no role", .init(userID: UUID(), status: .active)),
        ("themselves", .init(userID: actorID, status: .active)),
        ("suspended", .init(userID: UUID(), status: .suspended, organizationRoles: [organization: .clientUser])),
        ("deactivated", .init(userID: UUID(), status: .deactivated)),
    ]

    /// Rows are `actors`, columns `targets`. `Y` allowed; `P` not permitted (the actor's role);
    /// `A` an administrator; `S` themselves; `N` not active.
    static let expected: [String] = [
        "A A A A Y Y S N N",   // super_admin
        "A A A A Y Y S N N",   // site_admin
        "P P P P P P P P P",   // operator: runs support actions, never acts as a user
        "P P P P P P P P P",   // client_admin
        "P P P P P P P P P",   // client_user
        "P P P P P P P P P",   // no role
    ]

    static func letter(_ refusal: SupportSignInRules.Refusal?) -> String {
        switch refusal {
        case nil: "Y"
        case .notPermitted: "P"
        case .administrator: "A"
        case .ownAccount: "S"
        case .notActive: "N"
        case .notFound: "?"
        case .reason: "R"
        }
    }

    @Test("every role × every kind of target", arguments: Array(actors.indices))
    func table(_ row: Int) {
        let (name, roles) = Self.actors[row]
        let actor = Principal(userID: Self.actorID, roles: roles)
        let answers = Self.targets.map { Self.letter(SupportSignInRules.refusal(actor, $0.1)) }.joined(separator: " ")
        #expect(answers == Self.expected[row], "\(name): \(Self.targets.map(\.0))")
    }

    @Test("the server's shell has no account to stand behind a session: refused")
    func serverOperator() {
        #expect(SupportSignInRules.refusal(.serverOperator, Self.targets[5].1) == .notPermitted)
    }

    @Test("a client_admin anywhere makes the target an administrator, whatever else they hold")
    func clientAdminElsewhere() {
        let target = SupportSignInRules.Target(userID: UUID(), status: .active,
                                               organizationRoles: [Self.organization: .clientUser, UUID(): .clientAdmin])
        #expect(SupportSignInRules.refusal(Principal(userID: Self.actorID, roles: Self.actors[0].1), target) == .administrator)
    }

    @Test("the reason: trimmed, 3 to 500 characters, no control or format characters")
    func reasons() throws {
        #expect(try SupportSignInRules.reason("  Ticket 4711: invoices  ") == "Ticket 4711: invoices")
        #expect(try SupportSignInRules.reason(String(repeating: "é", count: 500)).count == 500)
        for bad in [nil, "", "   ", "ab", String(repeating: "x", count: 501), "line\nbreak", "tab\there", "bidi \u{202E}txt",
                    "zero\u{200B}width", "nul\u{0}"] as [String?] {
            #expect(throws: SupportSignInRules.Refusal.reason) { try SupportSignInRules.reason(bad) }
        }
    }

    @Test("what a support session may do on the user's own pages: look and edit the profile, nothing sensitive")
    func selfService() {
        #expect(SupportSignInRules.permits(.viewing))
        #expect(SupportSignInRules.permits(.profile))
        #expect(!SupportSignInRules.permits(.sensitive))
        #expect(SupportSignInRules.lifetime == 900)
    }
}
