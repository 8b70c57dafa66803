import Foundation
import GatehouseCore
import Testing

/// The contracts of issue 10's stores (Ports/OrganizationStores.swift): organizations with
/// unique slugs and keyset pages, platform roles and memberships, permissions and custom roles,
/// invitations accepted once with everything they give. Counts and lists here span the whole
/// database (platform roles, global roles, permissions), so the real stores run these checks in
/// a database of their own (`PostgresConformanceTests`).
public enum OrganizationStoresConformance {
    static func organization(_ name: String, slug: String? = nil, by creator: UUID? = nil, at now: Date) -> Organization {
        Organization(id: UUID(), name: name, slug: slug ?? Fixtures.unique("org"), status: .pending, createdAt: now, createdBy: creator)
    }

    static func invitation(_ email: String, _ role: Role, in organization: UUID?, by inviter: UUID? = nil, at now: Date,
                           expires: TimeInterval = 86_400) -> Invitation {
        Invitation(id: UUID(), email: email, role: role, organizationID: organization, invitedBy: inviter, createdAt: now,
                   expiresAt: now.addingTimeInterval(expires))
    }

    static func person(_ now: Date) -> User {
        User(id: UUID(), email: Fixtures.unique("person") + "@example.test", emailVerified: true, name: "New Person",
             passwordHash: "$argon2id$test", createdAt: now, updatedAt: now)
    }

    /// A user and a pending organization they created.
    static func world(_ stores: DurableStores) async throws -> (user: User, organization: Organization) {
        let user = try await Fixtures.createdUser(stores)
        let organization = try await stores.organizations.create(organization("Acme", by: user.id, at: user.createdAt))
        return (user, organization)
    }

    public static let checks: [ConformanceCheck<DurableStores>] = organizations + memberships + claims + customRoles + invitations

    static let organizations: [ConformanceCheck<DurableStores>] = [
        ConformanceCheck("OrganizationStore: an organization reads back by id and by slug; a taken slug gets the next free numeric suffix") { stores async throws in
            let now = Fixtures.now, base = Fixtures.unique("acme")
            let first = try await stores.organizations.create(organization("Acme", slug: base, at: now))
            let second = try await stores.organizations.create(organization("Acme again", slug: base, at: now))
            let third = try await stores.organizations.create(organization("Acme thrice", slug: base, at: now))
            #expect([first.slug, second.slug, third.slug] == [base, base + "-2", base + "-3"])
            #expect(try await stores.organizations.find(slug: base + "-2") == second)
            #expect(try await stores.organizations.find(id: third.id) == third)
            #expect(try await stores.organizations.find(id: UUID()) == nil)
            #expect(try await stores.organizations.find(slug: Fixtures.unique("none")) == nil)
        },
        ConformanceCheck("OrganizationStore: update replaces name, status, policy and the updated fields, never the slug; nil when gone") { stores async throws in
            let (user, created) = try await world(stores)
            let editor = try await Fixtures.createdUser(stores)
            var changed = created
            changed.name = "Acme Ltd"
            changed.slug = Fixtures.unique("renamed")
            changed.status = .active
            changed.secondFactor = .required([.authenticatorApp])
            changed.updatedAt = user.createdAt.addingTimeInterval(60)
            changed.updatedBy = editor.id
            var expected = changed
            expected.slug = created.slug
            #expect(try await stores.organizations.update(changed) == expected)
            #expect(try await stores.organizations.find(id: created.id) == expected)
            var byOperator = expected
            byOperator.updatedBy = nil   // the operator at the server's shell
            #expect(try await stores.organizations.update(byOperator) == byOperator)
            #expect(try await stores.organizations.find(id: created.id)?.updatedBy == nil)
            #expect(try await stores.organizations.update(organization("Gone", at: user.createdAt)) == nil)
        },
        ConformanceCheck("OrganizationStore: every second-factor policy round-trips") { stores async throws in
            for policy: SecondFactorPolicy in [.off, .optional, .required([.emailedCode]), .required([.authenticatorApp, .emailedCode])] {
                var organization = organization("Policy", at: Fixtures.now)
                organization.secondFactor = policy
                let created = try await stores.organizations.create(organization)
                #expect(try await stores.organizations.find(id: created.id)?.secondFactor == policy)
            }
        },
        ConformanceCheck("OrganizationStore: a list matches names case-insensitively, % and _ literally, by name then id, paged by keyset") { stores async throws in
            let tag = "zq" + Fixtures.unique("t").dropFirst(2), now = Fixtures.now
            for name in ["\(tag) Alpha", "\(tag) beta", "\(tag) Gamma 100%", "\(tag) delta_x"] {
                _ = try await stores.organizations.create(organization(name, at: now))
            }
            let all = try await stores.organizations.list(matching: tag.uppercased(), after: nil, limit: 10)
            #expect(all.map(\.name) == ["\(tag) Alpha", "\(tag) Gamma 100%", "\(tag) beta", "\(tag) delta_x"])
            #expect(try await stores.organizations.list(matching: "\(tag) gamma 100%", after: nil, limit: 10).count == 1)
            #expect(try await stores.organizations.list(matching: "\(tag) %", after: nil, limit: 10).isEmpty, "% is no wildcard")
            #expect(try await stores.organizations.list(matching: "\(tag) delt_", after: nil, limit: 10).isEmpty, "_ is no wildcard")
            let first = try await stores.organizations.list(matching: tag, after: nil, limit: 3)
            let rest = try await stores.organizations.list(matching: tag, after: OrganizationCursor(after: try #require(first.last)), limit: 3)
            #expect((first + rest).map(\.id) == all.map(\.id))
            #expect(first.count == 3)
        },
        ConformanceCheck("OrganizationStore: a deleted creator reads as nil") { stores async throws in
            let (user, organization) = try await world(stores)
            #expect(try await stores.deleteUser(user.id))
            let found = try #require(try await stores.organizations.find(id: organization.id))
            #expect(found.createdBy == nil)
            #expect(found.updatedBy == nil)
        },
    ]

    static let memberships: [ConformanceCheck<DurableStores>] = [
        ConformanceCheck("MembershipStore: one platform role per user, replaced, taken away, counted; an organization role is refused") { stores async throws in
            let user = try await Fixtures.createdUser(stores), other = try await Fixtures.createdUser(stores), now = user.createdAt
            #expect(try await stores.memberships.platformRole(userID: user.id) == nil)
            try await stores.memberships.setPlatformRole(.operator, userID: user.id, at: now, by: nil)
            try await stores.memberships.setPlatformRole(.siteAdmin, userID: user.id, at: now, by: nil)
            try await stores.memberships.setPlatformRole(.siteAdmin, userID: other.id, at: now, by: user.id)
            #expect(try await stores.memberships.platformRole(userID: user.id) == .siteAdmin)
            #expect(try await stores.memberships.count(platformRole: .siteAdmin) == 2)
            #expect(try await stores.memberships.count(platformRole: .operator) == 0)
            try await stores.memberships.setPlatformRole(nil, userID: user.id, at: now, by: nil)
            #expect(try await stores.memberships.platformRole(userID: user.id) == nil)
            #expect(try await stores.memberships.count(platformRole: .siteAdmin) == 1)
            await #expect(throws: StoreError.invalid("client_admin is not a platform role")) {
                try await stores.memberships.setPlatformRole(.clientAdmin, userID: user.id, at: now, by: nil)
            }
        },
        ConformanceCheck("MembershipStore: saving again changes the role in place, keeping when they joined and who added them") { stores async throws in
            let (admin, organization) = try await world(stores)
            let member = try await Fixtures.createdUser(stores), now = admin.createdAt
            try await stores.memberships.save(Membership(organizationID: organization.id, userID: member.id, role: .clientUser,
                                                         createdAt: now, createdBy: nil), at: now, by: admin.id)
            #expect(try await stores.memberships.membership(organizationID: organization.id, userID: member.id)
                    == Membership(organizationID: organization.id, userID: member.id, role: .clientUser, createdAt: now, createdBy: admin.id),
                    "the adder is who saved it")
            try await stores.memberships.save(Membership(organizationID: organization.id, userID: member.id, role: .clientAdmin,
                                                         createdAt: now.addingTimeInterval(99), createdBy: nil),
                                              at: now.addingTimeInterval(99), by: nil)
            #expect(try await stores.memberships.membership(organizationID: organization.id, userID: member.id)
                    == Membership(organizationID: organization.id, userID: member.id, role: .clientAdmin, createdAt: now, createdBy: admin.id))
            #expect(try await stores.memberships.count(organizationID: organization.id, role: .clientAdmin) == 1)
            #expect(try await stores.memberships.count(organizationID: organization.id, role: .clientUser) == 0)
        },
        ConformanceCheck("MembershipStore: members page by keyset on joined then user, each with email, name and confirmed second factors; a user's memberships oldest first") { stores async throws in
            let (admin, organization) = try await world(stores)
            let later = try await stores.organizations.create(OrganizationStoresConformance.organization("Later", at: admin.createdAt))
            var joined: [UUID] = []
            for index in 0..<5 {
                let member = try await Fixtures.createdUser(stores)
                try await stores.memberships.save(Membership(organizationID: organization.id, userID: member.id, role: .clientUser,
                                                             createdAt: admin.createdAt.addingTimeInterval(Double(index)), createdBy: nil),
                                                  at: admin.createdAt, by: admin.id)
                joined.append(member.id)
            }
            _ = try await stores.mfaCredentials.enableWithoutSecret(userID: joined[1], kind: .email, at: admin.createdAt)
            let first = try await stores.memberships.members(organizationID: organization.id, after: nil, limit: 3)
            let rest = try await stores.memberships.members(organizationID: organization.id,
                                                            after: MembershipCursor(after: try #require(first.last).membership), limit: 3)
            #expect((first + rest).map(\.membership.userID) == joined)
            let second = try #require(try await stores.users.find(id: joined[1]))
            #expect(first[1] == MemberListing(membership: first[1].membership, email: second.email, name: second.name, secondFactors: [.email]))
            #expect(first[0].secondFactors.isEmpty && first[2].secondFactors.isEmpty)
            try await stores.memberships.save(Membership(organizationID: later.id, userID: joined[0], role: .clientAdmin,
                                                         createdAt: admin.createdAt.addingTimeInterval(100), createdBy: nil),
                                              at: admin.createdAt, by: nil)
            #expect(try await stores.memberships.memberships(userID: joined[0]).map(\.organizationID) == [organization.id, later.id])
        },
        ConformanceCheck("MembershipStore: the administrators of several organizations in one read, at most so many each, by when they joined") { stores async throws in
            let (admin, organization) = try await world(stores)
            let other = try await stores.organizations.create(OrganizationStoresConformance.organization("Other", at: admin.createdAt))
            let empty = try await stores.organizations.create(OrganizationStoresConformance.organization("Empty", at: admin.createdAt))
            try await join(stores, admin.id, organization.id, as: .clientAdmin)
            var admins: [UUID] = []
            for index in 0..<3 {
                let user = try await Fixtures.createdUser(stores)
                try await stores.memberships.save(Membership(organizationID: other.id, userID: user.id, role: index == 1 ? .clientUser : .clientAdmin,
                                                             createdAt: admin.createdAt.addingTimeInterval(Double(index)), createdBy: nil),
                                                  at: admin.createdAt, by: nil)
                if index != 1 { admins.append(user.id) }
            }
            let found = try await stores.memberships.administrators(organizationIDs: [organization.id, other.id, empty.id], limit: 5)
            #expect(found[organization.id]?.map(\.membership.userID) == [admin.id])
            #expect(found[other.id]?.map(\.membership.userID) == admins)
            #expect(found[empty.id] == nil)
            let capped = try await stores.memberships.administrators(organizationIDs: [other.id], limit: 1)
            #expect(capped[other.id]?.map(\.membership.userID) == [admins[0]])
            #expect(try await stores.memberships.administrators(organizationIDs: [], limit: 5).isEmpty)
        },
        ConformanceCheck("MembershipStore: a gone user or organization is a conflict, a platform role invalid; removing answers once") { stores async throws in
            let (admin, organization) = try await world(stores)
            let now = admin.createdAt
            await #expect(throws: StoreError.conflict("the organization or the user no longer exists")) {
                try await stores.memberships.save(Membership(organizationID: organization.id, userID: UUID(), role: .clientUser,
                                                             createdAt: now, createdBy: nil), at: now, by: nil)
            }
            await #expect(throws: StoreError.conflict("the organization or the user no longer exists")) {
                try await stores.memberships.save(Membership(organizationID: UUID(), userID: admin.id, role: .clientUser,
                                                             createdAt: now, createdBy: nil), at: now, by: nil)
            }
            await #expect(throws: StoreError.invalid("operator is a platform role")) {
                try await stores.memberships.save(Membership(organizationID: organization.id, userID: admin.id, role: .operator,
                                                             createdAt: now, createdBy: nil), at: now, by: nil)
            }
            try await stores.memberships.save(Membership(organizationID: organization.id, userID: admin.id, role: .clientAdmin,
                                                         createdAt: now, createdBy: nil), at: now, by: nil)
            #expect(try await stores.memberships.remove(organizationID: organization.id, userID: admin.id))
            #expect(try await stores.memberships.remove(organizationID: organization.id, userID: admin.id) == false)
            #expect(try await stores.memberships.membership(organizationID: organization.id, userID: admin.id) == nil)
        },
        ConformanceCheck("MembershipStore: memberships and platform roles go with their user") { stores async throws in
            let (admin, organization) = try await world(stores)
            let member = try await Fixtures.createdUser(stores), now = admin.createdAt
            try await stores.memberships.save(Membership(organizationID: organization.id, userID: member.id, role: .clientUser,
                                                         createdAt: now, createdBy: nil), at: now, by: admin.id)
            try await stores.memberships.setPlatformRole(.operator, userID: member.id, at: now, by: nil)
            #expect(try await stores.deleteUser(member.id))
            #expect(try await stores.memberships.membership(organizationID: organization.id, userID: member.id) == nil)
            #expect(try await stores.memberships.platformRole(userID: member.id) == nil)
            #expect(try await stores.memberships.count(organizationID: organization.id, role: .clientUser) == 0)
        },
        ConformanceCheck("MembershipStore: the last super_admin keeps the role; others may change while another holds it") { stores async throws in
            let first = try await Fixtures.createdUser(stores), second = try await Fixtures.createdUser(stores), now = first.createdAt
            try await stores.memberships.setPlatformRole(.superAdmin, userID: first.id, at: now, by: nil)
            #expect(try await stores.memberships.setPlatformRoleKeepingASuperAdmin(.siteAdmin, userID: first.id, at: now, by: nil) == false)
            #expect(try await stores.memberships.setPlatformRoleKeepingASuperAdmin(nil, userID: first.id, at: now, by: nil) == false)
            #expect(try await stores.memberships.platformRole(userID: first.id) == .superAdmin, "nothing changed")
            #expect(try await stores.memberships.setPlatformRoleKeepingASuperAdmin(.superAdmin, userID: second.id, at: now, by: first.id))
            #expect(try await stores.memberships.setPlatformRoleKeepingASuperAdmin(.operator, userID: first.id, at: now, by: second.id))
            #expect(try await stores.memberships.platformRole(userID: first.id) == .operator)
            #expect(try await stores.memberships.setPlatformRoleKeepingASuperAdmin(nil, userID: second.id, at: now, by: nil) == false)
            #expect(try await stores.memberships.count(platformRole: .superAdmin) == 1)
        },
        ConformanceCheck("MembershipStore: two last-super_admin removals at the same moment leave one super_admin") { stores async throws in
            let first = try await Fixtures.createdUser(stores), second = try await Fixtures.createdUser(stores), now = first.createdAt
            try await stores.memberships.setPlatformRole(.superAdmin, userID: first.id, at: now, by: nil)
            try await stores.memberships.setPlatformRole(.superAdmin, userID: second.id, at: now, by: nil)
            let outcomes = try await withThrowingTaskGroup(of: Bool.self) { group in
                for user in [first.id, second.id] {
                    group.addTask { try await stores.memberships.setPlatformRoleKeepingASuperAdmin(nil, userID: user, at: now, by: nil) }
                }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(outcomes.sorted { !$0 && $1 } == [false, true])
            #expect(try await stores.memberships.count(platformRole: .superAdmin) == 1)
        },
        ConformanceCheck("MembershipStore: the first super_admin is made once, with its account; a taken address or an existing one changes nothing") { stores async throws in
            let now = Fixtures.now, taken = try await Fixtures.createdUser(stores)
            var sameAddress = Fixtures.user(at: now)
            sameAddress.email = taken.email
            #expect(try await stores.memberships.createFirstSuperAdmin(sameAddress, at: now) == .emailTaken)
            #expect(try await stores.memberships.count(platformRole: .superAdmin) == 0)
            let candidates = [Fixtures.user(at: now), Fixtures.user(at: now)]
            let outcomes = try await withThrowingTaskGroup(of: FirstSuperAdmin.self) { group in
                for candidate in candidates { group.addTask { try await stores.memberships.createFirstSuperAdmin(candidate, at: now) } }
                return try await group.reduce(into: [FirstSuperAdmin]()) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 == .created }.count == 1 && outcomes.filter { $0 == .superAdminExists }.count == 1)
            #expect(try await stores.memberships.count(platformRole: .superAdmin) == 1)
            var made = 0
            for candidate in candidates {
                let account = try await stores.users.find(email: candidate.email)
                if let account {
                    made += 1
                    #expect(account.emailVerified == candidate.emailVerified)
                    #expect(try await stores.memberships.platformRole(userID: account.id) == .superAdmin)
                }
            }
            #expect(made == 1, "the refused bootstrap created no account")
        },
        ConformanceCheck("MembershipStore: a removed member's custom roles of that organization go with them, others stay") { stores async throws in
            let (admin, organization) = try await world(stores)
            let member = try await Fixtures.createdUser(stores), now = admin.createdAt
            try await stores.memberships.save(Membership(organizationID: organization.id, userID: member.id, role: .clientUser,
                                                         createdAt: now, createdBy: nil), at: now, by: admin.id)
            let own = role(Fixtures.unique("own"), in: organization.id, at: now), global = role(Fixtures.unique("global"), at: now)
            try await stores.customRoles.createRole(own)
            try await stores.customRoles.createRole(global)
            try await stores.customRoles.assign(roleID: own.id, userID: member.id, at: now, by: nil)
            try await stores.customRoles.assign(roleID: global.id, userID: member.id, at: now, by: nil)
            #expect(try await stores.memberships.remove(organizationID: organization.id, userID: member.id))
            #expect(try await stores.customRoles.assignedRoles(userID: member.id).map(\.id) == [global.id])
        },
    ]

    /// A custom role named `tag.name` with the permissions `tag:…` (created first), assigned to `user`.
    static func assigned(_ stores: DurableStores, _ name: String, _ permissions: [String], in organization: UUID?, to user: UUID,
                         tag: String) async throws -> CustomRole {
        let existing = Set(try await stores.customRoles.permissions().map(\.name))
        for permission in permissions.map({ "\(tag):\($0)" }) where !existing.contains(permission) {
            try await stores.customRoles.createPermission(Permission(name: permission, createdAt: Fixtures.now, createdBy: nil))
        }
        let role = role("\(tag).\(name)", in: organization, permissions: Set(permissions.map { "\(tag):\($0)" }), at: Fixtures.now)
        try await stores.customRoles.createRole(role)
        try await stores.customRoles.assign(roleID: role.id, userID: user, at: Fixtures.now, by: nil)
        return role
    }

    static func join(_ stores: DurableStores, _ user: UUID, _ organization: UUID, as role: Role) async throws {
        try await stores.memberships.save(Membership(organizationID: organization, userID: user, role: role, createdAt: Fixtures.now,
                                                     createdBy: nil), at: Fixtures.now, by: nil)
    }

    /// What tokens say about a user (issue 10 item 6) and the organization picker's list.
    static let claims: [ConformanceCheck<DurableStores>] = [
        ConformanceCheck("MembershipStore.claims: the active organization's roles and permissions only; global custom roles count, another organization's never") { stores async throws in
            let tag = Fixtures.unique("c").replacingOccurrences(of: "-", with: "")
            let user = try await Fixtures.createdUser(stores).id, now = Fixtures.now
            let acme = try await stores.organizations.create(organization("Acme", at: now))
            let globex = try await stores.organizations.create(organization("Globex", at: now))
            try await join(stores, user, acme.id, as: .clientAdmin)
            try await join(stores, user, globex.id, as: .clientUser)
            _ = try await assigned(stores, "auditor", ["audit", "read"], in: nil, to: user, tag: tag)
            _ = try await assigned(stores, "billing", ["billing", "read"], in: acme.id, to: user, tag: tag)
            _ = try await assigned(stores, "reports", ["reports"], in: globex.id, to: user, tag: tag)

            let atAcme = try await stores.memberships.claims(userID: user, organizationID: acme.id)
            #expect(atAcme == MemberClaims(organization: acme, platformRole: nil, organizationRole: .clientAdmin,
                                           customRoles: ["\(tag).auditor", "\(tag).billing"],
                                           permissions: ["\(tag):audit", "\(tag):billing", "\(tag):read"]))
            #expect(atAcme.roles == ["client_admin", "\(tag).auditor", "\(tag).billing"])
            #expect(atAcme.mayActForOrganization)
            let atGlobex = try await stores.memberships.claims(userID: user, organizationID: globex.id)
            #expect(atGlobex.organizationRole == .clientUser)
            #expect(atGlobex.customRoles == ["\(tag).auditor", "\(tag).reports"])
            #expect(atGlobex.permissions == ["\(tag):audit", "\(tag):read", "\(tag):reports"])
            let nowhere = try await stores.memberships.claims(userID: user, organizationID: nil)
            #expect(nowhere == MemberClaims(organization: nil, platformRole: nil, organizationRole: nil, customRoles: ["\(tag).auditor"],
                                            permissions: ["\(tag):audit", "\(tag):read"]))
            #expect(!nowhere.mayActForOrganization)
        },
        ConformanceCheck("RefreshTokenStore.rotate: a family asking for organization or roles brings the claims of its organization, read with the rotation; one asking for neither brings none") { stores async throws in
            let tag = Fixtures.unique("c").replacingOccurrences(of: "-", with: "")
            let user = try await Fixtures.createdUser(stores), client = try await Fixtures.createdClient(stores)
            let acme = try await stores.organizations.create(organization("Acme", at: Fixtures.now))
            try await join(stores, user.id, acme.id, as: .clientAdmin)
            _ = try await assigned(stores, "billing", ["billing"], in: acme.id, to: user.id, tag: tag)
            let expected = try await stores.memberships.claims(userID: user.id, organizationID: acme.id)
            for (scopes, claimed) in [(["openid", "roles"], true), (["organization"], true), (["openid", "email"], false)] {
                var token = RefreshTokenStoreConformance.record(family: UUID(), user: user, client: client, at: Fixtures.now)
                (token.scopes, token.organizationID) = (scopes, acme.id)
                try await stores.refreshTokens.insert(token)
                guard case .rotated(let next, let claims) = try await stores.refreshTokens.rotate(
                    RefreshTokenStoreConformance.use(token, at: Fixtures.now.addingTimeInterval(1))) else {
                    Issue.record("a live token must rotate")
                    return
                }
                #expect(next.organizationID == acme.id)
                #expect(claims == (claimed ? expected : nil), "scopes \(scopes)")
            }
            #expect(expected.roles == ["client_admin", "\(tag).billing"])
        },
        ConformanceCheck("MembershipStore.claims: read when asked; an unassigned role, a removed membership and an unknown organization are gone") { stores async throws in
            let tag = Fixtures.unique("c").replacingOccurrences(of: "-", with: "")
            let user = try await Fixtures.createdUser(stores).id
            let acme = try await stores.organizations.create(organization("Acme", at: Fixtures.now))
            try await join(stores, user, acme.id, as: .clientUser)
            let billing = try await assigned(stores, "billing", ["billing"], in: acme.id, to: user, tag: tag)
            #expect(try await stores.memberships.claims(userID: user, organizationID: acme.id).roles == ["client_user", "\(tag).billing"])
            _ = try await stores.customRoles.unassign(roleID: billing.id, userID: user)
            let unassigned = try await stores.memberships.claims(userID: user, organizationID: acme.id)
            #expect(unassigned.roles == ["client_user"])
            #expect(unassigned.permissions.isEmpty)
            _ = try await stores.memberships.remove(organizationID: acme.id, userID: user)
            let removed = try await stores.memberships.claims(userID: user, organizationID: acme.id)
            #expect(removed.organization == acme, "the organization is still there")
            #expect(removed.organizationRole == nil)
            #expect(!removed.mayActForOrganization)
            let unknown = try await stores.memberships.claims(userID: user, organizationID: UUID())
            #expect(unknown.organization == nil)
            #expect(!unknown.mayActForOrganization)
        },
        ConformanceCheck("MembershipStore.claims: a platform role counts everywhere and may act for an organization it is no member of") { stores async throws in
            let user = try await Fixtures.createdUser(stores).id
            let acme = try await stores.organizations.create(organization("Acme", at: Fixtures.now))
            try await stores.memberships.setPlatformRole(.operator, userID: user, at: Fixtures.now, by: nil)
            let claims = try await stores.memberships.claims(userID: user, organizationID: acme.id)
            #expect(claims.platformRole == .operator)
            #expect(claims.organizationRole == nil)
            #expect(claims.roles == ["operator"])
            #expect(claims.mayActForOrganization)
        },
        ConformanceCheck("MembershipStore.organizations(userID:): the user's own, by name (byte order), searched case-insensitively with wildcards literal, limited") { stores async throws in
            let tag = Fixtures.unique("o").replacingOccurrences(of: "-", with: "")
            let member = try await Fixtures.createdUser(stores).id, stranger = try await Fixtures.createdUser(stores).id
            var joined: [Organization] = []
            for name in ["Zeta", "alpha", "Mid_dle"] {
                let organization = try await stores.organizations.create(organization("\(tag) \(name)", at: Fixtures.now))
                try await join(stores, member, organization.id, as: .clientUser)
                joined.append(organization)
            }
            _ = try await stores.organizations.create(organization("\(tag) Other", at: Fixtures.now))  // not the member's
            #expect(try await stores.memberships.organizations(userID: member, matching: nil, limit: 10).map(\.name)
                    == ["\(tag) Mid_dle", "\(tag) Zeta", "\(tag) alpha"])
            #expect(try await stores.memberships.organizations(userID: member, matching: "ZET", limit: 10).map(\.id) == [joined[0].id])
            #expect(try await stores.memberships.organizations(userID: member, matching: "d_d", limit: 10).map(\.id) == [joined[2].id])
            #expect(try await stores.memberships.organizations(userID: member, matching: "i%", limit: 10).isEmpty, "% is no wildcard")
            #expect(try await stores.memberships.organizations(userID: member, matching: nil, limit: 2).count == 2)
            #expect(try await stores.memberships.organizations(userID: stranger, matching: nil, limit: 10).isEmpty)
        },
    ]

    static func role(_ name: String, in organization: UUID? = nil, permissions: Set<String> = [], at now: Date) -> CustomRole {
        CustomRole(id: UUID(), organizationID: organization, name: name, permissions: permissions, createdAt: now, createdBy: nil)
    }

    static let customRoles: [ConformanceCheck<DurableStores>] = [
        ConformanceCheck("CustomRoleStore: permissions by name, each name once; deleting one takes it from every role") { stores async throws in
            let now = Fixtures.now, read = Fixtures.unique("p") + ":read", write = Fixtures.unique("p") + ":write"
            try await stores.customRoles.createPermission(Permission(name: write, description: "Write", createdAt: now, createdBy: nil))
            try await stores.customRoles.createPermission(Permission(name: read, description: "Read", createdAt: now, createdBy: nil))
            await #expect(throws: StoreError.conflict("the permission \(read) exists")) {
                try await stores.customRoles.createPermission(Permission(name: read, createdAt: now, createdBy: nil))
            }
            #expect(try await stores.customRoles.permissions().map(\.name) == [read, write].sorted())
            let role = role(Fixtures.unique("role"), permissions: [read, write], at: now)
            try await stores.customRoles.createRole(role)
            #expect(try await stores.customRoles.deletePermission(name: read))
            #expect(try await stores.customRoles.deletePermission(name: read) == false)
            #expect(try await stores.customRoles.role(id: role.id)?.permissions == [write])
        },
        ConformanceCheck("CustomRoleStore: a role reads back with its permissions; names are unique per scope; unknown permissions are invalid") { stores async throws in
            let (_, organization) = try await world(stores)
            let now = Fixtures.now, name = Fixtures.unique("role"), permission = Fixtures.unique("p") + ":read"
            try await stores.customRoles.createPermission(Permission(name: permission, createdAt: now, createdBy: nil))
            let global = role(name, permissions: [permission], at: now), local = role(name, in: organization.id, at: now)
            try await stores.customRoles.createRole(global)
            try await stores.customRoles.createRole(local)
            #expect(try await stores.customRoles.role(id: global.id) == global)
            #expect(try await stores.customRoles.roles(organizationID: organization.id) == [local])
            #expect(try await stores.customRoles.roles(organizationID: nil).contains(global))
            await #expect(throws: StoreError.conflict("a role named \(name) exists there")) {
                try await stores.customRoles.createRole(role(name, at: now))
            }
            await #expect(throws: StoreError.invalid("a permission of the role does not exist")) {
                try await stores.customRoles.createRole(role(Fixtures.unique("role"), permissions: ["nope:never"], at: now))
            }
            #expect(try await stores.customRoles.role(id: UUID()) == nil)
        },
        ConformanceCheck("CustomRoleStore: update renames and replaces permissions; a taken name is a conflict; nil when gone") { stores async throws in
            let now = Fixtures.now, permission = Fixtures.unique("p") + ":read"
            try await stores.customRoles.createPermission(Permission(name: permission, createdAt: now, createdBy: nil))
            let first = role(Fixtures.unique("role"), at: now), second = role(Fixtures.unique("role"), at: now)
            try await stores.customRoles.createRole(first)
            try await stores.customRoles.createRole(second)
            var changed = first
            changed.name = Fixtures.unique("renamed")
            changed.permissions = [permission]
            changed.updatedAt = now.addingTimeInterval(5)
            #expect(try await stores.customRoles.updateRole(changed) == changed)
            #expect(try await stores.customRoles.role(id: first.id) == changed)
            var clash = second
            clash.name = changed.name
            await #expect(throws: StoreError.conflict("a role named \(changed.name) exists there")) {
                _ = try await stores.customRoles.updateRole(clash)
            }
            #expect(try await stores.customRoles.updateRole(role(Fixtures.unique("role"), at: now)) == nil)
        },
        ConformanceCheck("CustomRoleStore: assignments are idempotent and listed by name across scopes; a role in use is kept unless forced") { stores async throws in
            let (user, organization) = try await world(stores)
            let now = user.createdAt
            let zeta = role("z" + Fixtures.unique("role"), at: now), alpha = role("a" + Fixtures.unique("role"), in: organization.id, at: now)
            try await stores.customRoles.createRole(zeta)
            try await stores.customRoles.createRole(alpha)
            try await stores.customRoles.assign(roleID: zeta.id, userID: user.id, at: now, by: nil)
            try await stores.customRoles.assign(roleID: zeta.id, userID: user.id, at: now, by: nil)
            try await stores.customRoles.assign(roleID: alpha.id, userID: user.id, at: now, by: nil)
            #expect(try await stores.customRoles.assignedRoles(userID: user.id).map(\.id) == [alpha.id, zeta.id])
            await #expect(throws: StoreError.conflict("the role or the user no longer exists")) {
                try await stores.customRoles.assign(roleID: UUID(), userID: user.id, at: now, by: nil)
            }
            await #expect(throws: StoreError.conflict("the role or the user no longer exists")) {
                try await stores.customRoles.assign(roleID: zeta.id, userID: UUID(), at: now, by: nil)
            }
            #expect(try await stores.customRoles.deleteRole(id: zeta.id, force: false) == .inUse(1))
            #expect(try await stores.customRoles.role(id: zeta.id) != nil)
            #expect(try await stores.customRoles.unassign(roleID: alpha.id, userID: user.id))
            #expect(try await stores.customRoles.unassign(roleID: alpha.id, userID: user.id) == false)
            #expect(try await stores.customRoles.deleteRole(id: alpha.id, force: false) == .deleted)
            #expect(try await stores.customRoles.deleteRole(id: zeta.id, force: true) == .deleted)
            #expect(try await stores.customRoles.assignedRoles(userID: user.id) == [])
            #expect(try await stores.customRoles.deleteRole(id: zeta.id, force: true) == .notFound)
        },
    ]

    static let invitations: [ConformanceCheck<DurableStores>] = [
        ConformanceCheck("InvitationStore: an address's pending invitation to a place, past its time until swept; none once revoked") { stores async throws in
            let (user, organization) = try await world(stores)
            let now = user.createdAt, address = Fixtures.unique("invitee") + "@example.test"
            let platform = invitation(address, .operator, in: nil, by: user.id, at: now, expires: -60)
            let member = invitation(address, .clientUser, in: organization.id, by: user.id, at: now)
            try await stores.invitations.create(platform, digest: Fixtures.digest())
            try await stores.invitations.create(member, digest: Fixtures.digest())
            #expect(try await stores.invitations.pending(email: address, organizationID: nil) == platform, "past its time, not yet swept")
            #expect(try await stores.invitations.pending(email: address, organizationID: organization.id) == member)
            #expect(try await stores.invitations.pending(email: "other-" + address, organizationID: nil) == nil)
            _ = try await stores.invitations.revoke(id: member.id, at: now, by: user.id)
            #expect(try await stores.invitations.pending(email: address, organizationID: organization.id) == nil)
        },
        ConformanceCheck("InvitationStore: one pending invitation per address and place; another place is fine; a gone organization is a conflict") { stores async throws in
            let (user, organization) = try await world(stores)
            let now = user.createdAt, address = Fixtures.unique("invitee") + "@example.test"
            let first = invitation(address, .clientUser, in: organization.id, by: user.id, at: now), digest = Fixtures.digest()
            try await stores.invitations.create(first, digest: digest)
            #expect(try await stores.invitations.find(digest: digest) == first)
            #expect(try await stores.invitations.find(id: first.id) == first)
            await #expect(throws: StoreError.conflict("\(address) has a pending invitation there")) {
                try await stores.invitations.create(invitation(address, .clientAdmin, in: organization.id, at: now), digest: Fixtures.digest())
            }
            let other = try await stores.organizations.create(OrganizationStoresConformance.organization("Other", at: now))
            try await stores.invitations.create(invitation(address, .clientUser, in: other.id, at: now), digest: Fixtures.digest())
            try await stores.invitations.create(invitation(address, .operator, in: nil, at: now), digest: Fixtures.digest())
            await #expect(throws: StoreError.conflict("\(address) has a pending invitation there")) {
                try await stores.invitations.create(invitation(address, .siteAdmin, in: nil, at: now), digest: Fixtures.digest())
            }
            await #expect(throws: StoreError.conflict("the organization no longer exists")) {
                try await stores.invitations.create(invitation(address, .clientUser, in: UUID(), at: now), digest: Fixtures.digest())
            }
        },
        ConformanceCheck("InvitationStore: accepting as a new person makes the verified account (made by the inviter), the membership and an active organization, once") { stores async throws in
            let (user, organization) = try await world(stores)
            let now = user.createdAt, person = person(now), digest = Fixtures.digest()
            try await stores.invitations.create(invitation(person.email, .clientAdmin, in: organization.id, by: user.id, at: now), digest: digest)
            let accepted = now.addingTimeInterval(30)
            guard case .accepted(let invitation, let userID) = try await stores.invitations.accept(digest: digest, as: .newUser(person), now: accepted)
            else { Issue.record("not accepted"); return }
            #expect(userID == person.id)
            #expect(invitation.acceptedAt == accepted)
            #expect(invitation.acceptedBy == person.id)
            #expect(try await stores.invitations.find(digest: digest) == invitation)
            let made = try await stores.users.find(email: person.email)
            #expect(made?.emailVerified == true)
            #expect(made?.createdBy == user.id, "users.created_by: the inviter")
            #expect(try await stores.memberships.membership(organizationID: organization.id, userID: person.id)
                    == Membership(organizationID: organization.id, userID: person.id, role: .clientAdmin, createdAt: accepted, createdBy: user.id))
            let active = try #require(try await stores.organizations.find(id: organization.id))
            #expect(active.status == .active)
            #expect(active.updatedAt == accepted)
            #expect(try await stores.invitations.accept(digest: digest, as: .newUser(person), now: accepted) == .unavailable(.accepted))
            #expect(try await stores.invitations.accept(digest: Fixtures.digest(), as: .existingUser(person.id), now: accepted) == .notFound)
        },
        ConformanceCheck("InvitationStore: an address with an account by now is emailTaken, and the invitation stays for a sign-in") { stores async throws in
            let (user, organization) = try await world(stores)
            let now = user.createdAt, existing = person(now), digest = Fixtures.digest()
            try await stores.invitations.create(invitation(existing.email, .clientUser, in: organization.id, at: now), digest: digest)
            try await stores.users.create(existing)
            var stranger = person(now)
            stranger.email = existing.email
            #expect(try await stores.invitations.accept(digest: digest, as: .newUser(stranger), now: now) == .emailTaken)
            #expect(try await stores.invitations.find(digest: digest)?.state(at: now) == .pending)
            #expect(try await stores.memberships.membership(organizationID: organization.id, userID: stranger.id) == nil)
            guard case .accepted(_, let userID) = try await stores.invitations.accept(digest: digest, as: .existingUser(existing.id), now: now)
            else { Issue.record("the existing account could not accept"); return }
            #expect(userID == existing.id)
        },
        ConformanceCheck("InvitationStore: an invitation never lowers a role held, in an organization or on the platform") { stores async throws in
            let (user, organization) = try await world(stores)
            let now = user.createdAt, admin = try await Fixtures.createdUser(stores)
            try await stores.memberships.save(Membership(organizationID: organization.id, userID: admin.id, role: .clientAdmin, createdAt: now,
                                                         createdBy: nil), at: now, by: nil)
            let member = Fixtures.digest()
            try await stores.invitations.create(invitation(admin.email, .clientUser, in: organization.id, at: now), digest: member)
            _ = try await stores.invitations.accept(digest: member, as: .existingUser(admin.id), now: now)
            #expect(try await stores.memberships.membership(organizationID: organization.id, userID: admin.id)?.role == .clientAdmin)
            try await stores.memberships.setPlatformRole(.siteAdmin, userID: admin.id, at: now, by: nil)
            let platform = Fixtures.digest()
            try await stores.invitations.create(invitation(admin.email, .operator, in: nil, at: now), digest: platform)
            _ = try await stores.invitations.accept(digest: platform, as: .existingUser(admin.id), now: now)
            #expect(try await stores.memberships.platformRole(userID: admin.id) == .siteAdmin)
            let raise = Fixtures.digest()
            try await stores.invitations.create(invitation(user.email, .siteAdmin, in: nil, at: now), digest: raise)
            try await stores.memberships.setPlatformRole(.operator, userID: user.id, at: now, by: nil)
            _ = try await stores.invitations.accept(digest: raise, as: .existingUser(user.id), now: now)
            #expect(try await stores.memberships.platformRole(userID: user.id) == .siteAdmin, "a higher role replaces a lower one")
        },
        ConformanceCheck("InvitationStore: revoke and resend only what is pending; a resend replaces the link; the old one says so") { stores async throws in
            let (user, organization) = try await world(stores)
            let now = user.createdAt, address = Fixtures.unique("invitee") + "@example.test", first = Fixtures.digest()
            let original = invitation(address, .clientUser, in: organization.id, by: user.id, at: now)
            try await stores.invitations.create(original, digest: first)
            let second = Fixtures.digest(), resent = invitation(address, .clientUser, in: organization.id, by: user.id, at: now)
            let replaced = try #require(try await stores.invitations.replace(id: original.id, with: resent, digest: second, at: now))
            #expect(replaced.replacedBy == resent.id)
            #expect(replaced.revokedAt == now)
            #expect(replaced.revokedBy == user.id)
            #expect(try await stores.invitations.find(digest: first)?.state(at: now) == .replaced)
            #expect(try await stores.invitations.find(digest: second) == resent)
            #expect(try await stores.invitations.accept(digest: first, as: .newUser(person(now)), now: now) == .unavailable(.replaced))
            #expect(try await stores.invitations.replace(id: original.id, with: invitation(address, .clientUser, in: organization.id, at: now),
                                                         digest: Fixtures.digest(), at: now) == nil)
            let revoked = try #require(try await stores.invitations.revoke(id: resent.id, at: now, by: user.id))
            #expect(revoked.state(at: now) == .revoked)
            #expect(revoked.revokedBy == user.id)
            #expect(try await stores.invitations.revoke(id: resent.id, at: now, by: nil) == nil)
            #expect(try await stores.invitations.accept(digest: second, as: .newUser(person(now)), now: now) == .unavailable(.revoked))
            try await stores.invitations.create(invitation(address, .clientUser, in: organization.id, at: now), digest: Fixtures.digest())
        },
        ConformanceCheck("InvitationStore: expiry is noticed once, soonest first, up to the limit; an expired link cannot be revoked or accepted") { stores async throws in
            let (user, organization) = try await world(stores)
            let now = user.createdAt, address = Fixtures.unique("invitee") + "@example.test"
            let soon = invitation(address, .clientUser, in: organization.id, at: now, expires: 60)
            let sooner = invitation(Fixtures.unique("invitee") + "@example.test", .clientUser, in: organization.id, at: now, expires: 30)
            let digest = Fixtures.digest()
            try await stores.invitations.create(soon, digest: digest)
            try await stores.invitations.create(sooner, digest: Fixtures.digest())
            let later = now.addingTimeInterval(61)
            #expect(try await stores.invitations.revoke(id: soon.id, at: later, by: nil) == nil, "out of time")
            #expect(try await stores.invitations.accept(digest: digest, as: .newUser(person(now)), now: later) == .unavailable(.expired))
            await #expect(throws: StoreError.conflict("\(address) has a pending invitation there"), "unnoticed, it still holds the address") {
                try await stores.invitations.create(invitation(address, .clientUser, in: organization.id, at: later), digest: Fixtures.digest())
            }
            let swept = try await stores.invitations.expire(now: later, limit: 1)
            #expect(swept.map(\.id) == [sooner.id])
            #expect(swept.first?.expiredAt == later)
            #expect(try await stores.invitations.expire(now: later, limit: 10).filter { [soon.id, sooner.id].contains($0.id) }.map(\.id) == [soon.id])
            #expect(try await stores.invitations.expire(now: later, limit: 10).filter { [soon.id, sooner.id].contains($0.id) }.isEmpty, "once")
            try await stores.invitations.create(invitation(address, .clientUser, in: organization.id, at: later), digest: Fixtures.digest())
        },
        ConformanceCheck("InvitationStore: a list is newest first, by inviter or organization or both, paged by keyset") { stores async throws in
            let (user, organization) = try await world(stores)
            let other = try await Fixtures.createdUser(stores), now = user.createdAt
            var mine: [Invitation] = []
            for index in 0..<4 {
                let invited = invitation(Fixtures.unique("invitee") + "@example.test", .clientUser, in: organization.id, by: user.id,
                                         at: now.addingTimeInterval(Double(index)))
                try await stores.invitations.create(invited, digest: Fixtures.digest())
                mine.append(invited)
            }
            let theirs = invitation(Fixtures.unique("invitee") + "@example.test", .clientUser, in: organization.id, by: other.id, at: now)
            try await stores.invitations.create(theirs, digest: Fixtures.digest())
            let first = try await stores.invitations.list(invitedBy: user.id, organizationID: nil, before: nil, limit: 3)
            let rest = try await stores.invitations.list(invitedBy: user.id, organizationID: nil,
                                                         before: InvitationCursor(after: try #require(first.last)), limit: 3)
            #expect((first + rest).map(\.id) == mine.reversed().map(\.id))
            #expect(Set(try await stores.invitations.list(invitedBy: nil, organizationID: organization.id, before: nil, limit: 10).map(\.id))
                    == Set(mine.map(\.id) + [theirs.id]))
            #expect(try await stores.invitations.list(invitedBy: other.id, organizationID: organization.id, before: nil, limit: 10) == [theirs])
        },
        ConformanceCheck("InvitationStore: two accepts of one link at the same moment make one account") { stores async throws in
            let (user, organization) = try await world(stores)
            let now = user.createdAt, address = Fixtures.unique("invitee") + "@example.test", digest = Fixtures.digest()
            try await stores.invitations.create(invitation(address, .clientUser, in: organization.id, at: now), digest: digest)
            let outcomes = try await withThrowingTaskGroup(of: InvitationAcceptance.self) { group in
                for _ in 0..<6 {
                    group.addTask {
                        var someone = person(now)
                        someone.email = address
                        return try await stores.invitations.accept(digest: digest, as: .newUser(someone), now: now)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(outcomes.filter { if case .accepted = $0 { true } else { false } }.count == 1)
            #expect(outcomes.filter { $0 == .unavailable(.accepted) }.count == 5)
            #expect(try await stores.memberships.members(organizationID: organization.id, after: nil, limit: 10).count == 1)
        },
    ]
}
