import Foundation
import GatehouseCore
import Testing

/// Who hears of an invitation's fate (issue 10 item 5): the inviter, and every platform user whose
/// role is above the inviter's. One case per (inviter's role × watcher's role).
@Suite("Live events reach the inviter and the platform roles above theirs")
struct LiveEventAudienceTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let inviter: Role
        let watcher: Role
        var testDescription: String { "\(inviter.rawValue) invites, \(watcher.rawValue) watches" }
    }

    static let cases = Role.allCases.flatMap { inviter in Role.allCases.map { Case(inviter: inviter, watcher: $0) } }

    @Test("a platform watcher hears only of inviters below them; an organization role hears only its own", arguments: cases)
    func table(_ item: Case) {
        let audience = LiveEventAudience.inviter(UUID(), holding: item.inviter)
        let watcher = item.watcher.isPlatformRole
            ? Principal(userID: UUID(), roles: RoleRules.Actor(platformRole: item.watcher))
            : Principal(userID: UUID(), roles: RoleRules.Actor(organizationRoles: [UUID(): item.watcher]))
        #expect(audience.reaches(watcher) == (item.watcher.isPlatformRole && item.watcher > item.inviter))
    }

    @Test("the inviter hears of their own invitations whatever they hold; a super admin's go to nobody else")
    func inviterAndTop() {
        let inviter = UUID()
        for role in Role.allCases {
            let audience = LiveEventAudience.inviter(inviter, holding: role)
            #expect(audience.reaches(Principal(userID: inviter, roles: RoleRules.Actor())))
        }
        #expect(LiveEventAudience.inviter(inviter, holding: .superAdmin).platformRole == nil)
        #expect(LiveEventAudience.inviter(inviter, holding: .clientAdmin).platformRole == .operator)
        #expect(LiveEventAudience.inviter(inviter, holding: nil).platformRole == .operator, "an inviter without a role: every platform role")
        let fromShell = LiveEventAudience.inviter(nil, holding: nil)
        #expect(fromShell.reaches(Principal(userID: UUID(), roles: RoleRules.Actor(platformRole: .superAdmin))))
        #expect(!fromShell.reaches(Principal(userID: UUID(), roles: RoleRules.Actor(platformRole: .siteAdmin))))
        #expect(!fromShell.reaches(Principal(userID: nil, roles: RoleRules.Actor())))
    }

    @Test("an event id reads back only from the text it was written as")
    func ids() {
        #expect(LiveEventID("1733350000000-7") == LiveEventID(milliseconds: 1_733_350_000_000, sequence: 7))
        for bad in ["", "-", "1-", "-1", "1-2-3", "abc-1", "+1-2", " 1-2", "1-2\n", "99999999999999999999999-0", "١-٢"] {
            #expect(LiveEventID(bad) == nil, "\(bad)")
        }
        #expect(LiveEventID(milliseconds: 5, sequence: 0) < LiveEventID(milliseconds: 5, sequence: 1))
        #expect(LiveEventID(milliseconds: 4, sequence: 9) < LiveEventID(milliseconds: 5, sequence: 0))
    }
}
