import Foundation
import GatehouseCore
import Testing

/// The contract of `UserDirectoryStore` (issue 11 item 1): text, filters, scope, orders and
/// keyset positions. Each check names its users with a marker of its own and searches for it
/// (or filters by an organization of its own), so it runs beside other tests in one database.
public enum UserDirectoryConformance {
    /// A user whose email and name are given, created `minutes` after a base time.
    static func person(_ stores: DurableStores, email: String, name: String?, minute: Int) async throws -> User {
        let at = Fixtures.now.addingTimeInterval(TimeInterval(minute * 60) - 86_400)
        let user = User(id: UUID(), email: email.lowercased(), emailVerified: true, name: name, passwordHash: nil, createdAt: at, updatedAt: at)
        try await stores.users.create(user)
        return user
    }

    static func find(_ stores: DurableStores, _ text: String?, filters: [UserFilter] = [], order: UserOrder = .created,
                     position: UserPosition? = nil, limit: Int = 20, scope: UserDirectoryScope = .everyone) async throws -> [UUID] {
        try await stores.directory.search(
            UserSearch(text: text.flatMap(UserSearchText.init), filters: filters, order: order, position: position, limit: limit),
            scope: scope).map(\.user.id)
    }

    static func organization(_ stores: DurableStores) async throws -> Organization {
        try await stores.organizations.create(Organization(id: UUID(), name: "Directory", slug: Fixtures.unique("dir"), status: .active,
                                                           createdAt: Fixtures.now, createdBy: nil))
    }

    static func join(_ stores: DurableStores, _ user: User, _ organization: Organization, as role: Role = .clientUser) async throws {
        try await stores.memberships.save(Membership(organizationID: organization.id, userID: user.id, role: role, createdAt: Fixtures.now,
                                                     createdBy: nil), at: Fixtures.now, by: nil)
    }

    public static let checks: [ConformanceCheck<DurableStores>] = [
        ConformanceCheck("UserDirectoryStore: text is found in emails and names, any case, newest first; an id finds its user") { stores async throws in
            let marker = Fixtures.unique("mark")
            let byEmail = try await person(stores, email: "\(marker)-x@example.test", name: "Plain", minute: 1)
            let byName = try await person(stores, email: Fixtures.unique("other") + "@example.test", name: "Zoë \(marker.uppercased())", minute: 2)
            _ = try await person(stores, email: Fixtures.unique("none") + "@example.test", name: "Nobody", minute: 3)
            #expect(try await find(stores, marker) == [byName.id, byEmail.id])
            #expect(try await find(stores, marker.uppercased()) == [byName.id, byEmail.id])
            #expect(try await find(stores, byEmail.id.uuidString.uppercased()) == [byEmail.id])
            // An id is a lookup, not a part of an email.
            #expect(try await find(stores, UUID().uuidString) == [])
            let listed = try await stores.directory.listing(id: byName.id, scope: .everyone)
            #expect(listed?.user.email == byName.email)
            #expect(listed?.user.name == byName.name)
            #expect(listed?.lastSignInAt == nil)
            #expect(listed?.hasSecondFactor == false)
            #expect(listed?.platformRole == nil)
        },
        ConformanceCheck("UserDirectoryStore: %, _, \\, quotes and NUL are matched as themselves; 10 KB of text is cut, not an error") { stores async throws in
            let marker = Fixtures.unique("wild")
            let percent = try await person(stores, email: Fixtures.unique("p") + "@example.test", name: "\(marker) 100% O'Brien", minute: 1)
            let letter = try await person(stores, email: Fixtures.unique("q") + "@example.test", name: "\(marker) 100x O_Brien", minute: 2)
            let slash = try await person(stores, email: Fixtures.unique("r") + "@example.test", name: "\(marker) a\\b", minute: 3)
            #expect(try await find(stores, "\(marker) 100%") == [percent.id])
            #expect(try await find(stores, "\(marker) 100x") == [letter.id])
            #expect(try await find(stores, "\(marker) 100_") == [])
            #expect(try await find(stores, "\(marker) 100% O'Brien") == [percent.id])
            #expect(try await find(stores, "\(marker) a\\b") == [slash.id])
            #expect(try await find(stores, "\(marker) a\\") == [slash.id])
            let nul = String(marker.prefix(4)) + "\u{0}" + String(marker.dropFirst(4))
            #expect(try await find(stores, nul) == [slash.id, letter.id, percent.id])
            #expect(try await find(stores, marker + String(repeating: "x'%_\\\"", count: 1_700)) == [])
            #expect(try await find(stores, "%%%") == [])
            #expect(try await find(stores, "'") == [])
        },
        ConformanceCheck("UserDirectoryStore: keyset pages walk forward and back without gaps or repeats, in both orders") { stores async throws in
            let marker = Fixtures.unique("page")
            // One "now" for the whole check: the sign-in times are compared to it at the end.
            let now = Fixtures.now
            var made: [User] = []
            for minute in 1...5 {
                made.append(try await person(stores, email: "\(marker)-\(minute)@example.test", name: nil, minute: minute))
            }
            // Two signed in, the later one more recently; the rest never.
            for (index, user) in [made[0], made[3]].enumerated() {
                let at = now.addingTimeInterval(TimeInterval(-600 + index * 60))
                try await stores.sessions.create(BrowserSession(id: UUID(), userID: user.id, authTime: at, amr: ["pwd"], createdAt: at,
                                                                expiresAt: at.addingTimeInterval(3600), lastSeenAt: at, ipAddress: nil,
                                                                userAgent: nil), tokenDigest: Fixtures.digest())
            }
            let newestFirst = made.reversed().map(\.id)
            for order in UserOrder.allCases {
                let expected = order == .created ? newestFirst
                    : [made[3].id, made[0].id] + newestFirst.filter { $0 != made[3].id && $0 != made[0].id }
                        .sorted { $0.uuidString.lowercased() > $1.uuidString.lowercased() }
                #expect(try await find(stores, marker, order: order, limit: 20) == expected)
                var seen: [UUID] = [], position: UserPosition?
                while true {
                    let page = try await stores.directory.search(
                        UserSearch(text: UserSearchText(marker), order: order, position: position, limit: 2), scope: .everyone)
                    seen += page.map(\.user.id)
                    guard page.count == 2, let last = page.last else { break }
                    position = UserPosition(.after, of: last, in: order)
                }
                #expect(seen == expected, "\(order)")
                // Back from the last two: the two before them, in the page's order.
                let lastTwo = try await stores.directory.search(UserSearch(text: UserSearchText(marker), order: order, limit: 5), scope: .everyone)
                let back = try await stores.directory.search(
                    UserSearch(text: UserSearchText(marker), order: order, position: UserPosition(.before, of: lastTwo[3], in: order), limit: 2),
                    scope: .everyone)
                #expect(back.map(\.user.id) == Array(expected[1...2]), "\(order)")
            }
            let signedIn = try await stores.directory.listing(id: made[3].id, scope: .everyone)
            #expect(signedIn?.lastSignInAt == now.addingTimeInterval(-540))
        },
        ConformanceCheck("UserDirectoryStore: organization, role and second-factor filters narrow the page; a scope hides everyone outside it") { stores async throws in
            let marker = Fixtures.unique("filt")
            let first = try await organization(stores), second = try await organization(stores)
            let admin = try await person(stores, email: "\(marker)-admin@example.test", name: nil, minute: 1)
            let member = try await person(stores, email: "\(marker)-member@example.test", name: nil, minute: 2)
            let outsider = try await person(stores, email: "\(marker)-outsider@example.test", name: nil, minute: 3)
            let staff = try await person(stores, email: "\(marker)-staff@example.test", name: nil, minute: 4)
            try await join(stores, admin, first, as: .clientAdmin)
            try await join(stores, member, first)
            try await join(stores, outsider, second)
            try await join(stores, member, second, as: .clientAdmin)
            try await stores.memberships.setPlatformRole(.operator, userID: staff.id, at: Fixtures.now, by: nil)
            _ = try await stores.mfaCredentials.enableWithoutSecret(userID: member.id, kind: .email, at: Fixtures.now)

            #expect(try await find(stores, nil, filters: [.organization(first.id)]) == [member.id, admin.id])
            #expect(try await find(stores, marker, filters: [.role(.clientAdmin)]) == [member.id, admin.id])
            #expect(try await find(stores, nil, filters: [.organization(first.id), .role(.clientAdmin)]) == [admin.id])
            #expect(try await find(stores, marker, filters: [.role(.operator)]) == [staff.id])
            #expect(try await find(stores, marker, filters: [.secondFactor(enrolled: true)]) == [member.id])
            #expect(try await find(stores, marker, filters: [.secondFactor(enrolled: false)]) == [staff.id, outsider.id, admin.id])

            let scope = UserDirectoryScope.members(of: [first.id])
            #expect(try await find(stores, marker, scope: scope) == [member.id, admin.id])
            #expect(try await find(stores, outsider.id.uuidString, scope: scope) == [])
            #expect(try await find(stores, nil, filters: [.organization(second.id)], scope: scope) == [member.id])
            #expect(try await stores.directory.listing(id: outsider.id, scope: scope) == nil)
            #expect(try await stores.directory.listing(id: staff.id, scope: scope) == nil)
            #expect(try await stores.directory.listing(id: member.id, scope: scope)?.hasSecondFactor == true)
            #expect(try await stores.directory.listing(id: staff.id, scope: .everyone)?.platformRole == .operator)
            let many = [admin.id, member.id, outsider.id, staff.id, UUID()]
            #expect(Set(try await stores.directory.listings(ids: many, scope: scope).map(\.user.id)) == [admin.id, member.id],
                    "only those within the scope; an unknown id is left out")
            #expect(Set(try await stores.directory.listings(ids: many, scope: .everyone).map(\.user.id)) == [admin.id, member.id, outsider.id, staff.id])
            #expect(try await stores.directory.listings(ids: [member.id], scope: scope).first?.hasSecondFactor == true)
            #expect(try await stores.directory.listings(ids: [], scope: .everyone).isEmpty)
            #expect(try await find(stores, marker, scope: .members(of: [])) == [])
        },
    ]
}
