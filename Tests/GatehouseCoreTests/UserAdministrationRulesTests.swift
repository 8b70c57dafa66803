import Foundation
import GatehouseCore
import Testing

/// Issue 11's rule of who may administer whom, cell by cell: every (actor × target × action),
/// the expected answer written out here independently of `UserAdministrationRules`.
@Suite("User administration rules: who may suspend, reactivate, deactivate, erase and export whom")
struct UserAdministrationRulesTests {
    static let organization = UUID(uuidString: "00000000-0000-0000-0000-00000000000a")!
    static let otherOrganization = UUID(uuidString: "00000000-0000-0000-0000-00000000000b")!

    /// The actors: the platform roles, a `client_admin` and a `client_user` of `organization`,
    /// and a user holding no role.
    static let actors: [(String, RoleRules.Actor)] = [
        ("super_admin", RoleRules.Actor(platformRole: .superAdmin)),
        ("site_admin", RoleRules.Actor(platformRole: .siteAdmin)),
        ("operator", RoleRules.Actor(platformRole: .operator)),
        ("client_admin", RoleRules.Actor(organizationRoles: [organization: .clientAdmin])),
        ("client_user", RoleRules.Actor(organizationRoles: [organization: .clientUser])),
        ("no role", RoleRules.Actor()),
    ]

    /// The targets, with every role they hold.
    static let targets: [(String, platform: Role?, organizations: [UUID: Role])] = [
        ("super_admin", .superAdmin, [:]),
        ("site_admin", .siteAdmin, [:]),
        ("operator", .operator, [:]),
        ("client_admin here", nil, [organization: .clientAdmin]),
        ("client_user here", nil, [organization: .clientUser]),
        ("client_user here and elsewhere", nil, [organization: .clientUser, otherOrganization: .clientUser]),
        ("client_user elsewhere", nil, [otherOrganization: .clientUser]),
        ("no role", nil, [:]),
    ]

    /// Rows are `actors`, columns `targets`: `Y` allowed, `F` forbidden (403), `O` outside (404).
    /// The same for every action while two super_admins are active (the last one: below).
    static let expected: [String] = [
        "Y Y Y Y Y Y Y Y",   // super_admin: may act on another super_admin too
        "F F Y Y Y Y Y Y",   // site_admin
        "F F F Y Y Y Y Y",   // operator
        "O O O F Y F O O",   // client_admin: only client_users wholly within their organization
        "F F F F F F F F",   // client_user administers nobody
        "F F F F F F F F",   // no role
    ]

    static var cells: [(UserAdministrationRules.Action, Int, Int)] {
        UserAdministrationRules.Action.allCases.flatMap { action in
            actors.indices.flatMap { actor in targets.indices.map { (action, actor, $0) } }
        }
    }

    static func target(_ index: Int, activeSuperAdmins: Int = 2) -> UserAdministrationRules.Target {
        UserAdministrationRules.Target(userID: UUID(), platformRole: targets[index].platform,
                                       organizationRoles: targets[index].organizations, activeSuperAdmins: activeSuperAdmins)
    }

    @Test("every cell of the table", arguments: cells)
    func cell(action: UserAdministrationRules.Action, actor: Int, target: Int) {
        let answer = Self.expected[actor].split(separator: " ")[target]
        let want: UserAdministrationRules.Refusal? = switch answer {
        case "Y": nil
        case "F": .notPermitted
        default: .outside
        }
        let principal = Principal(userID: UUID(), roles: Self.actors[actor].1)
        #expect(UserAdministrationRules.refusal(principal, action, Self.target(target)) == want,
                "\(Self.actors[actor].0) \(action.rawValue) \(Self.targets[target].0)")
    }

    @Test("nobody acts on their own account through the admin path; plain users are simply not permitted",
          arguments: UserAdministrationRules.Action.allCases)
    func ownAccount(action: UserAdministrationRules.Action) {
        for (name, roles) in Self.actors {
            let me = UUID()
            let target = UserAdministrationRules.Target(userID: me, platformRole: roles.platformRole,
                                                        organizationRoles: roles.organizationRoles, activeSuperAdmins: 2)
            let want: UserAdministrationRules.Refusal = UserAdministrationRules.administersUsers(roles) ? .ownAccount : .notPermitted
            #expect(UserAdministrationRules.refusal(Principal(userID: me, roles: roles), action, target) == want, "\(name) \(action)")
        }
    }

    @Test("the last active super_admin is never suspended, deactivated or erased; reactivating, exporting and supporting them is fine",
          arguments: UserAdministrationRules.Action.allCases)
    func lastSuperAdmin(action: UserAdministrationRules.Action) {
        let want: UserAdministrationRules.Refusal? = switch action {
        case .suspend, .deactivate, .erase: .lastSuperAdmin
        case .reactivate, .export, .support: nil
        }
        for actor in [Principal(userID: UUID(), roles: RoleRules.Actor(platformRole: .superAdmin)), .serverOperator] {
            #expect(UserAdministrationRules.refusal(actor, action, Self.target(0, activeSuperAdmins: 1)) == want)
        }
    }

    @Test("the operator at the server's shell acts as a super_admin on everyone", arguments: UserAdministrationRules.Action.allCases)
    func serverOperator(action: UserAdministrationRules.Action) {
        for index in Self.targets.indices {
            #expect(UserAdministrationRules.refusal(.serverOperator, action, Self.target(index)) == nil)
        }
    }
}
