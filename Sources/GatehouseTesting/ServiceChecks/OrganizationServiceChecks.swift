import Foundation
import GatehouseCore
import Testing

/// Issue 10's rules as the Core services apply them (`OrganizationAdministration`, `CustomRoles`,
/// `PlatformBootstrap`): each check states one rule, acts as people whose roles are read from
/// the stores, and asserts the exact refusal, what changed (nothing, when refused) and the
/// audit event. The same checks run on the twins (GatehouseCoreTests) and on PostgreSQL
/// (GatehousePostgresTests, a database of their own per check: they count `super_admin`s and
/// list every organization).
public enum OrganizationServiceChecks {
    public static let checks: [ConformanceCheck<DurableStores>] = organizations + members + platformRoles + customRoles + bootstrap
        + invitationMail

    typealias AdminRefusal = OrganizationAdministration.Refusal
    typealias RoleRefusal = CustomRoles.Refusal

    static let organizations: [ConformanceCheck<DurableStores>] = [
        ConformanceCheck("organizations: only platform roles create them, pending, audited with the actor; a named slug is kept or refused") { stores async throws in
            let world = OrganizationServiceWorld(stores)
            let operatorPrincipal = try await world.holder(.operator)
            let acme = try await world.organization()
            let admin = try await world.holder(.clientAdmin, in: acme)
            await #expect(throws: AdminRefusal.notPermitted) { try await world.administration.create(name: "Mine", by: admin) }
            await #expect(throws: AdminRefusal.invalidName) { try await world.administration.create(name: " \n ", by: operatorPrincipal) }
            await #expect(throws: AdminRefusal.invalidSlug) {
                try await world.administration.create(name: "Umbrella", slug: "Not A Slug", by: operatorPrincipal)
            }
            let slug = Fixtures.unique("umbrella")
            let created = try await world.administration.create(name: "  Umbrella Corp ", slug: slug, by: operatorPrincipal)
            #expect(created.name == "Umbrella Corp" && created.slug == slug && created.status == .pending)
            #expect(created.createdBy == operatorPrincipal.userID)
            await #expect(throws: AdminRefusal.slugTaken) { try await world.administration.create(name: "Other", slug: slug, by: operatorPrincipal) }
            let event = try #require(await world.events(.organizationCreated).last)
            #expect(event.actor == operatorPrincipal.auditActor)
            #expect(event.details == ["organization_id": created.id.uuidString.lowercased(), "name": "Umbrella Corp", "slug": slug])
            #expect(await world.events(.organizationCreated).count == 1, "refusals wrote nothing")
        },
        ConformanceCheck("organizations: members find their own by id or slug; another organization's answers notFound, like an unknown one") { stores async throws in
            let world = OrganizationServiceWorld(stores)
            let acme = try await world.organization("Acme"), globex = try await world.organization("Globex")
            let admin = try await world.holder(.clientAdmin, in: acme), user = try await world.holder(.clientUser, in: acme)
            // Compared by id: PostgreSQL keeps times to the microsecond, the test clock ticks finer.
            #expect(try await world.administration.organization(acme.slug, by: user).id == acme.id)
            #expect(try await world.administration.organization(acme.id.uuidString, by: admin).id == acme.id)
            for reference in [globex.slug, globex.id.uuidString, UUID().uuidString, "no-such-org", "<script>"] {
                await #expect(throws: AdminRefusal.notFound) { try await world.administration.organization(reference, by: admin) }
            }
            #expect(try await world.administration.organization(globex.slug, by: .serverOperator).id == globex.id)
            let listed = try await world.administration.list(matching: nil, after: nil, limit: 50, by: admin)
            #expect(listed.map(\.id) == [acme.id], "a member lists only their own")
            let everyone = try await world.administration.list(matching: "GLOB", after: nil, limit: 50, by: .serverOperator)
            #expect(everyone.map(\.id) == [globex.id], "platform roles search them all")
        },
        ConformanceCheck("organizations: its client_admin renames it and sets its second-factor policy; a client_user may not; others see nothing") { stores async throws in
            let world = OrganizationServiceWorld(stores)
            let acme = try await world.organization(), globex = try await world.organization("Globex")
            let admin = try await world.holder(.clientAdmin, in: acme), user = try await world.holder(.clientUser, in: acme)
            let stranger = try await world.holder(.clientAdmin, in: globex)
            world.clock.advance(by: .seconds(60))
            let renamed = try await world.administration.rename(acme.id, to: "Acme Ltd", by: admin)
            #expect(renamed.name == "Acme Ltd" && renamed.slug == acme.slug, "the slug stays")
            #expect(renamed.updatedBy == admin.userID && renamed.updatedAt > acme.createdAt.addingTimeInterval(59))
            await #expect(throws: AdminRefusal.notPermitted) { try await world.administration.rename(acme.id, to: "Mine", by: user) }
            await #expect(throws: AdminRefusal.notFound) { try await world.administration.rename(acme.id, to: "Mine", by: stranger) }
            await #expect(throws: AdminRefusal.invalidName) { try await world.administration.rename(acme.id, to: "", by: admin) }
            await #expect(throws: AdminRefusal.invalidPolicy) {
                try await world.administration.setSecondFactorPolicy(acme.id, to: .required([]), by: admin)
            }
            let strict = try await world.administration.setSecondFactorPolicy(acme.id, to: .required([.authenticatorApp]), by: admin)
            #expect(strict.secondFactor == .required([.authenticatorApp]))
            #expect(try await world.stores.organizations.find(id: acme.id)?.name == "Acme Ltd")
            let updates = await world.events(.organizationUpdated)
            #expect(updates.map(\.details) == [
                ["organization_id": acme.id.uuidString.lowercased(), "name": "Acme Ltd"],
                ["organization_id": acme.id.uuidString.lowercased(), "second_factor": "required:totp"],
            ])
            #expect(updates.allSatisfy { $0.actor == admin.auditActor })
        },
    ]

    static let members: [ConformanceCheck<DurableStores>] = [
        ConformanceCheck("members: listed by joining order in pages by keyset, to its client_admin and platform roles only") { stores async throws in
            let world = OrganizationServiceWorld(stores)
            let acme = try await world.organization()
            let admin = try await world.holder(.clientAdmin, in: acme)
            var joined = [try #require(admin.userID)]
            for _ in 0..<4 {
                world.clock.advance(by: .seconds(1))
                joined.append(try #require(try await world.holder(.clientUser, in: acme).userID))
            }
            let first = try await world.administration.members(of: acme.id, after: nil, limit: 3, by: admin)
            let rest = try await world.administration.members(of: acme.id, after: MembershipCursor(after: try #require(first.last).membership),
                                                              limit: 3, by: .serverOperator)
            #expect((first + rest).map(\.membership.userID) == joined)
            #expect(first.first?.membership.role == .clientAdmin && rest.allSatisfy { $0.membership.role == .clientUser })
            let user = try await world.principal(joined[1])
            await #expect(throws: AdminRefusal.notPermitted) { try await world.administration.members(of: acme.id, after: nil, limit: 3, by: user) }
        },
        ConformanceCheck("members: a client_admin removes a client_user (with the organization's custom roles), never another client_admin or a platform role") { stores async throws in
            let world = OrganizationServiceWorld(stores)
            let acme = try await world.organization()
            let admin = try await world.holder(.clientAdmin, in: acme)
            let peer = try await world.holder(.clientAdmin, in: acme), user = try await world.holder(.clientUser, in: acme)
            let operatorMember = try await world.holder(.operator)
            try await world.seat(try #require(operatorMember.userID), .clientUser, in: acme)
            let role = try await world.customRoles.createRole(named: "viewer", permissions: [], in: acme.id, by: admin)
            try await world.customRoles.assign(role.id, to: try #require(user.userID), by: admin)

            await #expect(throws: AdminRefusal.notPermitted) { try await world.administration.removeMember(try #require(peer.userID), from: acme.id, by: admin) }
            await #expect(throws: AdminRefusal.notPermitted) {
                try await world.administration.removeMember(try #require(operatorMember.userID), from: acme.id, by: admin)
            }
            await #expect(throws: AdminRefusal.notPermitted) { try await world.administration.removeMember(try #require(admin.userID), from: acme.id, by: user) }
            try await world.administration.removeMember(try #require(user.userID), from: acme.id, by: admin)
            #expect(try await world.stores.memberships.membership(organizationID: acme.id, userID: try #require(user.userID)) == nil)
            #expect(try await world.stores.customRoles.assignedRoles(userID: try #require(user.userID)) == [])
            await #expect(throws: AdminRefusal.notFound) { try await world.administration.removeMember(try #require(user.userID), from: acme.id, by: admin) }
            let removed = try #require(await world.events(.memberRemoved).last)
            #expect(removed.actor == admin.auditActor && removed.subject == user.userID)
            #expect(removed.details == ["organization_id": acme.id.uuidString.lowercased(), "user_id": user.userID!.uuidString.lowercased(),
                                        "role": "client_user"])
            #expect(await world.events(.memberRemoved).count == 1)
        },
        ConformanceCheck("members: a role is changed only by whoever may take the old one and give the new one; nobody promotes to their own rank") { stores async throws in
            let world = OrganizationServiceWorld(stores)
            let acme = try await world.organization(), globex = try await world.organization("Globex")
            let admin = try await world.holder(.clientAdmin, in: acme), user = try await world.holder(.clientUser, in: acme)
            let userID = try #require(user.userID)
            await #expect(throws: AdminRefusal.notPermitted) { try await world.administration.changeMemberRole(of: userID, in: acme.id, to: .clientAdmin, by: admin) }
            await #expect(throws: AdminRefusal.roleDoesNotFitPlace) {
                try await world.administration.changeMemberRole(of: userID, in: acme.id, to: .operator, by: .serverOperator)
            }
            let outsider = try await world.holder(.clientAdmin, in: globex)
            await #expect(throws: AdminRefusal.notFound) { try await world.administration.changeMemberRole(of: userID, in: acme.id, to: .clientUser, by: outsider) }
            let operatorPrincipal = try await world.holder(.operator)
            let promoted = try await world.administration.changeMemberRole(of: userID, in: acme.id, to: .clientAdmin, by: operatorPrincipal)
            #expect(promoted.role == .clientAdmin)
            #expect(try await world.stores.memberships.membership(organizationID: acme.id, userID: userID)?.role == .clientAdmin)
            await #expect(throws: AdminRefusal.notPermitted, "admin may not take client_admin away") {
                try await world.administration.changeMemberRole(of: userID, in: acme.id, to: .clientUser, by: admin)
            }
            let changed = try #require(await world.events(.memberRoleChanged).last)
            #expect(changed.actor == operatorPrincipal.auditActor)
            #expect(changed.details == ["organization_id": acme.id.uuidString.lowercased(), "user_id": userID.uuidString.lowercased(),
                                        "from": "client_user", "to": "client_admin"])
            #expect(await world.events(.memberRoleChanged).count == 1)
        },
        ConformanceCheck("members: what someone holds is read from the stores on every call: a demoted client_admin is refused at once") { stores async throws in
            let world = OrganizationServiceWorld(stores)
            let acme = try await world.organization()
            let admin = try await world.holder(.clientAdmin, in: acme)
            _ = try await world.administration.rename(acme.id, to: "Acme One", by: try await world.principal(admin.userID))
            try await world.seat(try #require(admin.userID), .clientUser, in: acme)
            await #expect(throws: AdminRefusal.notPermitted) {
                try await world.administration.rename(acme.id, to: "Acme Two", by: try await world.principal(admin.userID))
            }
            _ = try await world.stores.memberships.remove(organizationID: acme.id, userID: try #require(admin.userID))
            await #expect(throws: AdminRefusal.notFound) {
                try await world.administration.rename(acme.id, to: "Acme Two", by: try await world.principal(admin.userID))
            }
        },
    ]

    static let platformRoles: [ConformanceCheck<DurableStores>] = [
        ConformanceCheck("platform roles: given only below one's own; the last super_admin is never removed, not even from the shell") { stores async throws in
            let world = OrganizationServiceWorld(stores)
            let superAdmin = try await world.holder(.superAdmin), siteAdmin = try await world.holder(.siteAdmin)
            let person = try await world.person()
            await #expect(throws: AdminRefusal.notPermitted) { try await world.administration.grantPlatformRole(.siteAdmin, to: person.id, by: siteAdmin) }
            await #expect(throws: AdminRefusal.notPermitted) { try await world.administration.grantPlatformRole(.superAdmin, to: person.id, by: superAdmin) }
            await #expect(throws: AdminRefusal.roleDoesNotFitPlace) {
                try await world.administration.grantPlatformRole(.clientAdmin, to: person.id, by: superAdmin)
            }
            try await world.administration.grantPlatformRole(.operator, to: person.id, by: siteAdmin)
            #expect(try await world.stores.memberships.platformRole(userID: person.id) == .operator)
            await #expect(throws: AdminRefusal.notPermitted, "site_admin may not remove a site_admin") {
                try await world.administration.revokePlatformRole(of: try #require(siteAdmin.userID), by: siteAdmin)
            }
            for actor in [superAdmin, Principal.serverOperator] {
                await #expect(throws: AdminRefusal.lastSuperAdmin) {
                    try await world.administration.revokePlatformRole(of: try #require(superAdmin.userID), by: actor)
                }
            }
            #expect(try await world.stores.memberships.platformRole(userID: try #require(superAdmin.userID)) == .superAdmin)
            try await world.administration.revokePlatformRole(of: person.id, by: .serverOperator)
            #expect(try await world.stores.memberships.platformRole(userID: person.id) == nil)
            await #expect(throws: AdminRefusal.notFound) { try await world.administration.revokePlatformRole(of: person.id, by: .serverOperator) }
            #expect(await world.events(.roleGranted).map(\.details) == [["user_id": person.id.uuidString.lowercased(), "role": "operator"]])
            let revoked = try #require(await world.events(.roleRevoked).last)
            #expect(revoked.actor == "operator" && revoked.subject == person.id && revoked.details["role"] == "operator")
        },
        ConformanceCheck("platform roles: with two super_admins one may go (then the other is the last)") { stores async throws in
            let world = OrganizationServiceWorld(stores)
            let first = try await world.holder(.superAdmin), second = try await world.holder(.superAdmin)
            try await world.administration.revokePlatformRole(of: try #require(second.userID), by: first)
            await #expect(throws: AdminRefusal.lastSuperAdmin) {
                try await world.administration.grantPlatformRole(.siteAdmin, to: try #require(first.userID), by: first)
            }
            #expect(try await world.stores.memberships.count(platformRole: .superAdmin) == 1)
        },
    ]

    static let customRoles: [ConformanceCheck<DurableStores>] = [
        ConformanceCheck("permissions: defined and deleted by site_admin and above; validated; deleting one takes it out of every role") { stores async throws in
            let world = OrganizationServiceWorld(stores)
            let siteAdmin = try await world.holder(.siteAdmin), operatorPrincipal = try await world.holder(.operator)
            let name = Fixtures.unique("billing").replacingOccurrences(of: "-", with: "_") + ":manage"
            await #expect(throws: RoleRefusal.notPermitted) { try await world.customRoles.definePermission(name, by: operatorPrincipal) }
            for bad in ["Billing:Manage", "billing:", "a:b:c", "9lives", String(repeating: "a", count: 64), "bill ing"] {
                await #expect(throws: RoleRefusal.invalidPermission) { try await world.customRoles.definePermission(bad, by: siteAdmin) }
            }
            await #expect(throws: RoleRefusal.invalidDescription) {
                try await world.customRoles.definePermission(name, description: "bad\u{7}bell", by: siteAdmin)
            }
            _ = try await world.customRoles.definePermission(name, description: "Pay invoices", by: siteAdmin)
            await #expect(throws: RoleRefusal.permissionExists) { try await world.customRoles.definePermission(name, by: siteAdmin) }
            let other = try await world.permission()
            let global = try await world.customRoles.createRole(named: Fixtures.unique("billing"), permissions: [name, other], in: nil, by: siteAdmin)
            let acme = try await world.organization()
            let local = try await world.customRoles.createRole(named: "payer", permissions: [name], in: acme.id, by: siteAdmin)
            await #expect(throws: RoleRefusal.notPermitted) { try await world.customRoles.deletePermission(name, by: operatorPrincipal) }
            try await world.customRoles.deletePermission(name, by: siteAdmin)
            #expect(try await world.stores.customRoles.role(id: global.id)?.permissions == [other])
            #expect(try await world.stores.customRoles.role(id: local.id)?.permissions == [])
            await #expect(throws: RoleRefusal.notFound) { try await world.customRoles.deletePermission(name, by: siteAdmin) }
            #expect(await world.events(.permissionDeleted).map(\.details) == [["permission": name]])
        },
        ConformanceCheck("custom roles: global ones by site_admin and above, an organization's by its client_admin with permissions they hold") { stores async throws in
            let world = OrganizationServiceWorld(stores)
            let acme = try await world.organization(), globex = try await world.organization("Globex")
            let admin = try await world.holder(.clientAdmin, in: acme), operatorPrincipal = try await world.holder(.operator)
            let read = try await world.permission(), write = try await world.permission("write")
            await #expect(throws: RoleRefusal.notPermitted) { try await world.customRoles.createRole(named: "auditor", permissions: [], in: nil, by: operatorPrincipal) }
            await #expect(throws: RoleRefusal.notPermitted) { try await world.customRoles.createRole(named: "auditor", permissions: [], in: nil, by: admin) }
            await #expect(throws: RoleRefusal.notFound) { try await world.customRoles.createRole(named: "auditor", permissions: [], in: globex.id, by: admin) }
            await #expect(throws: RoleRefusal.permissionNotHeld(read)) {
                try await world.customRoles.createRole(named: "auditor", permissions: [read], in: acme.id, by: admin)
            }
            await #expect(throws: RoleRefusal.invalidRoleName) { try await world.customRoles.createRole(named: "Auditor!", permissions: [], in: acme.id, by: admin) }
            // Holding a role with `read` lets the client_admin give `read`, and only that.
            let holding = try await world.customRoles.createRole(named: "reader", permissions: [read], in: acme.id, by: .serverOperator)
            try await world.customRoles.assign(holding.id, to: try #require(admin.userID), by: .serverOperator)
            let admin2 = try await world.principal(admin.userID)
            let auditor = try await world.customRoles.createRole(named: "auditor", permissions: [read], in: acme.id, by: admin2)
            #expect(auditor.organizationID == acme.id && auditor.createdBy == admin.userID)
            await #expect(throws: RoleRefusal.permissionNotHeld(write)) {
                try await world.customRoles.updateRole(auditor.id, permissions: [read, write], by: admin2)
            }
            await #expect(throws: RoleRefusal.roleNameTaken) { try await world.customRoles.createRole(named: "auditor", permissions: [], in: acme.id, by: admin2) }
            await #expect(throws: RoleRefusal.unknownPermission) {
                try await world.customRoles.createRole(named: "ghost", permissions: ["never:defined"], in: acme.id, by: .serverOperator)
            }
            _ = try await world.customRoles.createRole(named: "auditor", permissions: [], in: globex.id, by: .serverOperator)
            let renamed = try await world.customRoles.updateRole(auditor.id, name: "inspector", by: admin2)
            #expect(renamed.name == "inspector" && renamed.permissions == [read] && renamed.updatedBy == admin.userID)
            #expect(try await world.customRoles.list(in: acme.id, by: admin2).map(\.name) == ["inspector", "reader"])
            await #expect(throws: RoleRefusal.notFound) { try await world.customRoles.list(in: globex.id, by: admin2) }
            let strangers = try await world.customRoles.list(in: globex.id, by: .serverOperator)
            await #expect(throws: RoleRefusal.notFound) { try await world.customRoles.role(try #require(strangers.first).id, by: admin2) }
            let created = try #require(await world.events(.roleCreated).first { $0.details["role"] == "auditor" })
            #expect(created.actor == admin.auditActor)
            #expect(created.details == ["role_id": auditor.id.uuidString.lowercased(), "role": "auditor", "permissions": read,
                                        "organization_id": acme.id.uuidString.lowercased()])
        },
        ConformanceCheck("custom roles: assigned to members the actor outranks, unassigned; one in use is deleted only with force, which unassigns it") { stores async throws in
            let world = OrganizationServiceWorld(stores)
            let acme = try await world.organization(), globex = try await world.organization("Globex")
            let admin = try await world.holder(.clientAdmin, in: acme), peer = try await world.holder(.clientAdmin, in: acme)
            let user = try await world.holder(.clientUser, in: acme), outsider = try await world.holder(.clientUser, in: globex)
            let userID = try #require(user.userID)
            let role = try await world.customRoles.createRole(named: "viewer", permissions: [], in: acme.id, by: admin)
            await #expect(throws: RoleRefusal.notFound, "not a member of the role's organization") {
                try await world.customRoles.assign(role.id, to: try #require(outsider.userID), by: admin)
            }
            await #expect(throws: RoleRefusal.notPermitted) { try await world.customRoles.assign(role.id, to: try #require(peer.userID), by: admin) }
            await #expect(throws: RoleRefusal.notFound) { try await world.customRoles.unassign(role.id, from: userID, by: admin) }
            try await world.customRoles.assign(role.id, to: userID, by: admin)
            #expect(try await world.stores.customRoles.assignedRoles(userID: userID).map(\.id) == [role.id])
            await #expect(throws: RoleRefusal.roleInUse(1)) { try await world.customRoles.deleteRole(role.id, force: false, by: admin) }
            #expect(try await world.stores.customRoles.role(id: role.id) != nil, "refused: still there")
            try await world.customRoles.deleteRole(role.id, force: true, by: admin)
            #expect(try await world.stores.customRoles.role(id: role.id) == nil)
            #expect(try await world.stores.customRoles.assignedRoles(userID: userID) == [])
            await #expect(throws: RoleRefusal.notFound) { try await world.customRoles.deleteRole(role.id, force: true, by: admin) }
            let assigned = try #require(await world.events(.roleAssigned).last)
            #expect(assigned.actor == admin.auditActor && assigned.subject == userID && assigned.details["user_id"] == userID.uuidString.lowercased())
            #expect(await world.events(.roleDeleted).map { $0.details["force"] } == ["true"])

            let second = try await world.customRoles.createRole(named: "editor", permissions: [], in: acme.id, by: admin)
            try await world.customRoles.assign(second.id, to: userID, by: admin)
            try await world.customRoles.unassign(second.id, from: userID, by: admin)
            try await world.customRoles.deleteRole(second.id, force: false, by: admin)
            #expect(await world.events(.roleUnassigned).count == 1)
        },
    ]

    static let bootstrap: [ConformanceCheck<DurableStores>] = [
        ConformanceCheck("bootstrap: the first super_admin with a password, once; audited as the operator's") { stores async throws in
            let world = OrganizationServiceWorld(stores)
            let taken = try await world.person()
            await #expect(throws: PlatformBootstrap.Refusal.emailTaken) { try await world.bootstrap.checkOpen(forNewAccount: taken.email.uppercased()) }
            await #expect(throws: PlatformBootstrap.Refusal.invalidEmail) { try await world.bootstrap.checkOpen(forNewAccount: "not-an-address") }
            let account = Fixtures.user(at: world.clock.now, verified: true)
            try await world.bootstrap.checkOpen(forNewAccount: account.email)
            try await world.bootstrap.createSuperAdmin(account)
            #expect(try await world.stores.memberships.platformRole(userID: account.id) == .superAdmin)
            let again = Fixtures.user(at: world.clock.now, verified: true)
            await #expect(throws: PlatformBootstrap.Refusal.superAdminExists) { try await world.bootstrap.checkOpen(forNewAccount: again.email) }
            await #expect(throws: PlatformBootstrap.Refusal.superAdminExists) { try await world.bootstrap.createSuperAdmin(again) }
            await #expect(throws: PlatformBootstrap.Refusal.superAdminExists) { try await world.bootstrap.inviteSuperAdmin(email: again.email) }
            #expect(try await world.stores.users.find(email: again.email) == nil)
            let granted = try #require(await world.events(.roleGranted).last)
            #expect(granted.actor == "operator" && granted.subject == account.id)
            #expect(granted.details == ["user_id": account.id.uuidString.lowercased(), "role": "super_admin", "via": "bootstrap"])
        },
        ConformanceCheck("bootstrap: without a password a super_admin invitation, replaced when run again; accepting it makes the super_admin") { stores async throws in
            let world = OrganizationServiceWorld(stores)
            let address = Fixtures.unique("root") + "@example.test"
            let first = try await world.bootstrap.inviteSuperAdmin(email: " " + address.uppercased())
            #expect(first.invitation.email == address && first.invitation.role == .superAdmin && first.invitation.organizationID == nil)
            #expect(first.invitation.invitedBy == nil && first.token.count == 43)
            #expect(abs(first.invitation.expiresAt.timeIntervalSince(first.invitation.createdAt) - 7 * 86_400) < 0.001, "GATEHOUSE_INVITE_TTL's default")
            let second = try await world.bootstrap.inviteSuperAdmin(email: address)
            #expect(try await world.invitations.details(token: first.token)?.state == .replaced, "the old link stops working")
            #expect(await world.events(.invitationCreated).count == 1)
            #expect(await world.events(.invitationResent).count == 1)
            #expect(await world.events(.invitationResent).last?.details["replaces"] == first.invitation.id.uuidString.lowercased())
            var account = Fixtures.user(at: world.clock.now, verified: true)
            account.email = address
            guard case .accepted(_, let userID) = try await world.invitations.accept(token: second.token, as: .newUser(account)) else {
                Issue.record("not accepted")
                return
            }
            #expect(try await world.stores.memberships.platformRole(userID: userID) == .superAdmin)
            await #expect(throws: PlatformBootstrap.Refusal.superAdminExists) { try await world.bootstrap.inviteSuperAdmin(email: "x-" + address) }
        },
    ]

    static let invitationMail: [ConformanceCheck<DurableStores>] = [
        ConformanceCheck("invitation mail: every new link is mailed by the service, naming the inviter and the organization; a refusal mails nothing") { stores async throws in
            let world = OrganizationServiceWorld(stores)
            let acme = try await world.organization("Acme")
            let admin = try await world.holder(.clientAdmin, in: acme)
            let adminID = try #require(admin.userID)
            let adminEmail = try #require(try await world.stores.users.find(id: adminID)).email
            try await world.stores.users.updateProfile(userID: adminID, name: nil, givenName: nil, familyName: nil,
                                                       picture: nil, at: world.clock.now)
            let address = Fixtures.unique("member") + "@example.test"
            let issued = try await world.invitations.invite(email: address, role: .clientUser, place: .organization(acme.id), by: admin)
            #expect(issued.organization?.id == acme.id, "the organization it names")
            await #expect(throws: Invitations.Refusal.alreadyInvited) {
                try await world.invitations.invite(email: address, role: .clientUser, place: .organization(acme.id), by: admin)
            }
            let resent = try await world.invitations.resend(id: issued.invitation.id, by: admin)
            let operatorPrincipal = try await world.holder(.operator)
            let operatorID = try #require(operatorPrincipal.userID)
            let operatorUser = try #require(try await world.stores.users.find(id: operatorID))
            let boss = try await world.invitations.invite(email: "boss-" + address, role: .clientAdmin, place: .newOrganization(name: "Umbrella"),
                                                          by: operatorPrincipal)
            let root = try await world.bootstrap.inviteSuperAdmin(email: "root-" + address)
            #expect(await world.mail.sent == [
                .init(email: address, token: issued.token, organizationName: "Acme", inviterName: adminEmail),
                .init(email: address, token: resent.token, organizationName: "Acme", inviterName: adminEmail),
                .init(email: "boss-" + address, token: boss.token, organizationName: "Umbrella", inviterName: operatorUser.name),
                .init(email: "root-" + address, token: root.token, organizationName: nil, inviterName: nil),
            ], "an inviter without a name is named by email; the shell's operator by nobody")
        },
    ]
}
