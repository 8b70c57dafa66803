import Foundation
import GatehouseCore
import Testing

/// Who the console shows and lets act (`ConsoleUserAccess`, acting by `UserAdministrationRules`)
/// as a table, and the search text it is fed.
@Suite("Console user access and search text")
struct ConsoleUserAccessTests {
    static let organization = UUID(uuidString: "00000000-0000-0000-0000-00000000000a")!
    static let other = UUID(uuidString: "00000000-0000-0000-0000-00000000000b")!
    static let actorID = UUID(uuidString: "00000000-0000-0000-0000-0000000000a1")!
    static let targetID = UUID(uuidString: "00000000-0000-0000-0000-0000000000b1")!

    /// An actor holding `role` (in `organization` for an organization role).
    static func actor(_ role: Role) -> Principal {
        role.isPlatformRole ? Principal(userID: actorID, roles: .init(platformRole: role))
            : Principal(userID: actorID, roles: .init(organizationRoles: [organization: role]))
    }

    /// A target whose highest role is `role` (nil: a member without any role above client_user,
    /// i.e. `client_user` in the organization), in `where` for organization roles.
    static func target(_ role: Role?, in place: UUID = organization) -> ConsoleUserAccess.Target {
        guard let role else { return .init(userID: targetID, platformRole: nil, organizationRoles: [:]) }
        return role.isPlatformRole ? .init(userID: targetID, platformRole: role, organizationRoles: [:])
            : .init(userID: targetID, platformRole: nil, organizationRoles: [place: role])
    }

    /// Rows: actor roles, highest first; columns: targets super_admin, site_admin, operator,
    /// client_admin, client_user (same organization), no role at all. `Y` may act, `4` not
    /// visible (404), `3` not permitted (403), `A` not an administrator. Acting is
    /// `UserAdministrationRules`' answer: a `super_admin` may act on another one (so a rogue one
    /// can be stopped).
    static let expected: [Role: String] = [
        .superAdmin: "Y Y Y Y Y Y",
        .siteAdmin: "3 3 Y Y Y Y",
        .operator: "3 3 3 Y Y Y",
        .clientAdmin: "4 4 4 3 Y 4",
        .clientUser: "A A A A A A",
    ]

    @Test("who may act on whom", arguments: Role.allCases)
    func table(_ actorRole: Role) {
        let targets: [Role?] = Role.allCases + [nil]
        let answers = targets.map { role -> String in
            switch ConsoleUserAccess.refusal(Self.actor(actorRole), actingOn: Self.target(role)) {
            case nil: "Y"
            case .notVisible?: "4"
            case .notPermitted?: "3"
            case .notAnAdministrator?: "A"
            case .yourself?: "S"
            }
        }
        #expect(answers.joined(separator: " ") == Self.expected[actorRole])
    }

    @Test("nobody acts on themselves; a client_admin sees nobody of another organization")
    func yourselfAndOthers() {
        let me = Principal(userID: Self.actorID, roles: .init(platformRole: .superAdmin))
        #expect(ConsoleUserAccess.refusal(me, actingOn: .init(userID: Self.actorID, platformRole: .superAdmin, organizationRoles: [:])) == .yourself)
        let clientAdmin = Self.actor(.clientAdmin)
        #expect(ConsoleUserAccess.refusal(clientAdmin, actingOn: Self.target(.clientUser, in: Self.other)) == .notVisible)
        // A member here who is client_admin elsewhere holds a role above client_user.
        let both = ConsoleUserAccess.Target(userID: Self.targetID, platformRole: nil,
                                            organizationRoles: [Self.organization: .clientUser, Self.other: .clientAdmin])
        #expect(ConsoleUserAccess.refusal(clientAdmin, actingOn: both) == .notPermitted)
        #expect(ConsoleUserAccess.scope(of: clientAdmin.roles) == .members(of: [Self.organization]))
        #expect(ConsoleUserAccess.scope(of: Self.actor(.operator).roles) == .everyone)
        #expect(ConsoleUserAccess.scope(of: Self.actor(.clientUser).roles) == nil)
    }

    @Test("search text: ids, contains from three letters, prefixes below, nothing without a letter; control characters gone, 100 kept")
    func searchText() {
        let id = UUID()
        #expect(UserSearchText(id.uuidString)?.kind == .id(id))
        #expect(UserSearchText("  Ada@Example ")?.kind == .contains("ada@example"))
        #expect(UserSearchText("Al")?.kind == .prefix("al"))
        #expect(UserSearchText("a.b.c")?.kind == .prefix("a.b.c"))
        #expect(UserSearchText("%_%")?.kind == .nothing)
        #expect(UserSearchText("''")?.kind == .nothing)
        #expect(UserSearchText("   ") == nil)
        #expect(UserSearchText("\u{0}\u{7}") == nil)
        #expect(UserSearchText("ad\u{0}a")?.kind == .contains("ada"))
        #expect(UserSearchText(String(repeating: "x", count: 10_240))?.text.count == 100)
        #expect(UserSearchText.likeEscaped(#"100%_a\b"#) == #"100\%\_a\\b"#)
    }

    @Test("a cursor reads back for its order only; anything else is no cursor")
    func cursors() {
        let position = UserPosition(.before, order: .lastSignIn, time: nil, id: Self.targetID)
        #expect(UserPosition(cursor: position.cursor, order: .lastSignIn) == position)
        #expect(UserPosition(cursor: position.cursor, order: .created) == nil)
        let created = UserPosition(.after, order: .created, time: Date(timeIntervalSince1970: 1_700_000_000.123456), id: Self.targetID)
        #expect(UserPosition(cursor: created.cursor, order: .created) == created)
        #expect(UserPosition(cursor: "not a cursor", order: .created) == nil)
        #expect(UserPosition(cursor: String(repeating: "A", count: 500), order: .created) == nil)
        // A time before 1970 or from the year 10000 on is none a listing has (PostgreSQL would
        // refuse the year as out of range): no cursor, the first page.
        func cursor(_ micros: String) -> String { Base64URL.encode(Array("a|created|\(micros)|\(Self.targetID.uuidString.lowercased())".utf8)) }
        #expect(UserPosition(cursor: cursor("0"), order: .created)?.time == Date(timeIntervalSince1970: 0))
        #expect(UserPosition(cursor: cursor("253402300799999999"), order: .created) != nil)
        for outside in ["-1", "-253402300700000000", "253402300800000000", "9223372036854775807", "-9223372036854775808"] {
            #expect(UserPosition(cursor: cursor(outside), order: .created) == nil, "\(outside)")
        }
    }
}
