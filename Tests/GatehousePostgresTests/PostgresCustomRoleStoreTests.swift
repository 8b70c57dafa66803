import Foundation
import GatehouseCore
import GatehousePostgres
import GatehouseTesting
import Testing

/// Permissions and custom roles against the shared test database; every name carries a tag of
/// its own so parallel tests never meet.
@Suite("PostgresCustomRoleStore")
struct PostgresCustomRoleStoreTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let tag = "t" + UUID().uuidString.prefix(8).lowercased()

    func store() throws -> PostgresCustomRoleStore { PostgresCustomRoleStore(pool: try TestServices.postgres()) }

    func user() async throws -> UUID {
        let user = User(id: UUID(), email: "role-\(UUID().uuidString.lowercased())@example.test", emailVerified: true,
                        passwordHash: nil, createdAt: now, updatedAt: now)
        try await PostgresUserStore(pool: try TestServices.postgres()).create(user)
        return user.id
    }

    func permission(_ action: String) -> String { "\(tag):\(action)" }

    func role(_ name: String, _ permissions: Set<String>, organization: UUID? = nil) -> CustomRole {
        CustomRole(id: UUID(), organizationID: organization, name: "\(tag).\(name)", permissions: permissions, createdAt: now, createdBy: nil)
    }

    @Test("roles hold permissions; deleting a permission removes it from every role; unknown permissions are refused")
    func permissions() async throws {
        let store = try store()
        for action in ["read", "write"] {
            try await store.createPermission(Permission(name: permission(action), description: "to \(action)", createdAt: now, createdBy: nil))
        }
        await #expect(throws: StoreError.conflict("the permission \(permission("read")) exists")) {
            try await store.createPermission(Permission(name: permission("read"), createdAt: now, createdBy: nil))
        }
        let editor = role("editor", [permission("read"), permission("write")])
        try await store.createRole(editor)
        #expect(try await store.role(id: editor.id) == editor)
        #expect(try await store.deletePermission(name: permission("write")))
        #expect(try await store.role(id: editor.id)?.permissions == [permission("read")])
        await #expect(throws: StoreError.invalid("a permission of the role does not exist")) {
            try await store.createRole(role("ghost", [permission("nope")]))
        }
        #expect(try await store.role(id: UUID()) == nil)
    }

    @Test("a name is unique per scope: globally and within each organization")
    func names() async throws {
        let store = try store()
        let organizations = PostgresOrganizationStore(pool: try TestServices.postgres())
        let org = try await organizations.create(Organization(id: UUID(), name: "Roles", slug: tag, status: .active, createdAt: now, createdBy: nil))
        try await store.createRole(role("auditor", []))
        try await store.createRole(role("auditor", [], organization: org.id))
        await #expect(throws: StoreError.conflict("a role named \(tag).auditor exists there")) {
            try await store.createRole(role("auditor", []))
        }
        #expect(try await store.roles(organizationID: org.id).map(\.name) == ["\(tag).auditor"])
        #expect(try await store.roles(organizationID: nil).filter { $0.name.hasPrefix(tag) }.count == 1)
    }

    @Test("rename and change permissions; a role in use is kept unless forced, which unassigns it")
    func updateAndDelete() async throws {
        let store = try store()
        try await store.createPermission(Permission(name: permission("read"), createdAt: now, createdBy: nil))
        var viewer = role("viewer", [])
        try await store.createRole(viewer)
        viewer.name = "\(tag).reader"
        viewer.permissions = [permission("read")]
        viewer.updatedAt = now.addingTimeInterval(5)
        #expect(try await store.updateRole(viewer) == viewer)

        let someone = try await user()
        try await store.assign(roleID: viewer.id, userID: someone, at: now, by: nil)
        try await store.assign(roleID: viewer.id, userID: someone, at: now, by: nil)
        #expect(try await store.assignedRoles(userID: someone).map(\.id) == [viewer.id])
        #expect(try await store.deleteRole(id: viewer.id, force: false) == .inUse(1))
        #expect(try await store.role(id: viewer.id) != nil)
        #expect(try await store.deleteRole(id: viewer.id, force: true) == .deleted)
        #expect(try await store.assignedRoles(userID: someone).isEmpty)
        #expect(try await store.deleteRole(id: viewer.id, force: true) == .notFound)
        await #expect(throws: StoreError.conflict("the role or the user no longer exists")) {
            try await store.assign(roleID: viewer.id, userID: someone, at: now, by: nil)
        }
        #expect(try await store.updateRole(viewer) == nil)
    }
}
