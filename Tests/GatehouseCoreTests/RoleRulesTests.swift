import Foundation
import GatehouseCore
import Testing

/// Issue 10's rule table, cell by cell: every (actor role × target role × action), with the
/// expected answer written out here independently of `RoleRules.allowed`.
@Suite("Role rules: who may invite, assign and remove whom")
struct RoleRulesTests {
    static let organization = UUID(uuidString: "00000000-0000-0000-0000-00000000000a")!
    static let otherOrganization = UUID(uuidString: "00000000-0000-0000-0000-00000000000b")!

    /// Rows are actors, columns targets, in rank order (super_admin, site_admin, operator,
    /// client_admin, client_user); `Y` allowed, `.` refused.
    static let expected: [RoleRules.Action: [String]] = [
        .invite: [
            ". Y Y Y .",   // super_admin
            ". . Y Y .",   // site_admin
            ". . . Y .",   // operator
            ". . . . Y",   // client_admin (own organization)
            ". . . . .",   // client_user
        ],
        .assign: [
            ". Y Y Y .",
            ". . Y Y .",
            ". . . Y .",
            ". . . . Y",
            ". . . . .",
        ],
        .remove: [
            "Y Y Y Y Y",   // a super_admin may remove another one, never the last
            ". . Y Y Y",
            ". . . Y Y",
            ". . . . Y",
            ". . . . .",
        ],
    ]

    static let roles: [Role] = [.superAdmin, .siteAdmin, .operator, .clientAdmin, .clientUser]

    static var cells: [(RoleRules.Action, Role, Role)] {
        RoleRules.Action.allCases.flatMap { action in roles.flatMap { actor in roles.map { (action, actor, $0) } } }
    }

    /// An actor holding `role`: platform roles without an organization, the others as members
    /// of `organization`.
    static func actor(_ role: Role) -> RoleRules.Actor {
        role.isPlatformRole ? RoleRules.Actor(platformRole: role) : RoleRules.Actor(organizationRoles: [organization: role])
    }

    static func target(_ role: Role) -> RoleRules.Target {
        RoleRules.Target(role: role, organization: role.isPlatformRole ? nil : organization, superAdminCount: 2)
    }

    @Test("every cell of the table", arguments: cells)
    func cell(action: RoleRules.Action, actor: Role, target: Role) throws {
        let row = try #require(Self.expected[action]?[Self.roles.firstIndex(of: actor)!])
        let allowed = row.split(separator: " ")[Self.roles.firstIndex(of: target)!] == "Y"
        let refusal = RoleRules.refusal(Self.actor(actor), action, Self.target(target))
        #expect(allowed ? refusal == nil : refusal == .notPermitted, "\(actor.rawValue) \(action.rawValue) \(target.rawValue)")
    }

    @Test("nobody invites or assigns a role at or above their own")
    func neverUpward() {
        for action in [RoleRules.Action.invite, .assign] {
            for (actor, targets) in RoleRules.allowed[action] ?? [:] {
                #expect(targets.allSatisfy { $0 < actor }, "\(actor.rawValue) \(action.rawValue)")
            }
        }
    }

    @Test("a client_admin acts only within their own organization: another's is outside, answered as missing")
    func ownOrganizationOnly() {
        let admin = Self.actor(.clientAdmin)
        for action in RoleRules.Action.allCases {
            let elsewhere = RoleRules.Target(role: .clientUser, organization: Self.otherOrganization)
            #expect(RoleRules.refusal(admin, action, elsewhere) == .outsideOrganization)
        }
        let user = Self.actor(.clientUser)
        #expect(RoleRules.refusal(user, .invite, RoleRules.Target(role: .clientUser, organization: Self.otherOrganization))
                == .outsideOrganization)
    }

    @Test("platform roles act on every organization without belonging to it")
    func platformRolesEverywhere() {
        let elsewhere = RoleRules.Target(role: .clientAdmin, organization: Self.otherOrganization)
        for role in [Role.superAdmin, .siteAdmin, .operator] {
            #expect(RoleRules.refusal(Self.actor(role), .invite, elsewhere) == nil, "\(role.rawValue)")
        }
    }

    @Test("organization roles never reach platform roles, whatever organization they hold")
    func organizationRolesStayInside() {
        let admin = RoleRules.Actor(organizationRoles: [Self.organization: .clientAdmin, Self.otherOrganization: .clientAdmin])
        for role in [Role.superAdmin, .siteAdmin, .operator] {
            for action in RoleRules.Action.allCases {
                #expect(RoleRules.refusal(admin, action, RoleRules.Target(role: role)) == .notPermitted)
            }
        }
    }

    @Test("the last super_admin cannot be removed; one of two can")
    func lastSuperAdmin() {
        let actor = Self.actor(.superAdmin)
        #expect(RoleRules.refusal(actor, .remove, RoleRules.Target(role: .superAdmin, superAdminCount: 1)) == .lastSuperAdmin)
        #expect(RoleRules.refusal(actor, .remove, RoleRules.Target(role: .superAdmin, superAdminCount: nil)) == .lastSuperAdmin,
                "an unknown count is treated as the last")
        #expect(RoleRules.refusal(actor, .remove, RoleRules.Target(role: .superAdmin, superAdminCount: 2)) == nil)
    }

    @Test("nobody grants a permission they do not hold; site_admin and above hold them all")
    func permissions() {
        var admin = Self.actor(.clientAdmin)
        admin.permissions = ["reports:read"]
        let modest = RoleRules.Target(role: .clientUser, organization: Self.organization, permissions: ["reports:read"])
        let greedy = RoleRules.Target(role: .clientUser, organization: Self.organization,
                                      permissions: ["reports:read", "billing:manage", "audit:read"])
        #expect(RoleRules.refusal(admin, .assign, modest) == nil)
        #expect(RoleRules.refusal(admin, .assign, greedy) == .permissionNotHeld("audit:read"), "the first missing, in order")
        let site = RoleRules.Target(role: .clientAdmin, organization: Self.organization, permissions: ["billing:manage"])
        #expect(RoleRules.refusal(Self.actor(.siteAdmin), .assign, site) == nil)
        #expect(RoleRules.refusal(Self.actor(.operator), .assign, site) == .permissionNotHeld("billing:manage"))
    }
}
