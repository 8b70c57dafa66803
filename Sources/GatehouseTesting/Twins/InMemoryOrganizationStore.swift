import Foundation
import GatehouseCore

/// `OrganizationStore` in memory, as `PostgresOrganizationStore` behaves
/// (`OrganizationStoresConformance`): slugs made unique with a numeric suffix, names searched
/// case-insensitively, pages by keyset on (name, id). `created_by` and `updated_by` read as nil
/// once their user is deleted (`ON DELETE SET NULL`).
public actor InMemoryOrganizationStore: OrganizationStore {
    var organizations: [UUID: Organization] = [:]
    let references: References

    public init(users: InMemoryUserStore? = nil) {
        references = References(users: users, clients: nil)
    }

    public func create(_ organization: Organization) async throws -> Organization {
        for user in [organization.createdBy, organization.updatedBy].compactMap({ $0 }) { try await references.requireUser(user) }
        var stored = organization
        for attempt in 1...100 {
            stored.slug = attempt == 1 ? organization.slug : Self.suffixed(organization.slug, attempt)
            guard organizations.values.contains(where: { $0.slug == stored.slug }) else {
                organizations[stored.id] = stored
                return stored
            }
        }
        throw StoreError.conflict("no free slug for \(organization.slug)")
    }

    /// `base-n`, cut so it stays within 63 characters.
    static func suffixed(_ base: String, _ number: Int) -> String {
        let suffix = "-\(number)"
        var head = String(base.prefix(63 - suffix.count))
        while head.hasSuffix("-") { head.removeLast() }
        return head + suffix
    }

    public func find(id: UUID) async throws -> Organization? {
        await read(organizations[id])
    }

    public func find(slug: String) async throws -> Organization? {
        await read(organizations.values.first { $0.slug == slug })
    }

    public func update(_ organization: Organization) async throws -> Organization? {
        guard var stored = organizations[organization.id] else { return nil }
        stored.name = organization.name
        stored.status = organization.status
        stored.secondFactor = organization.secondFactor
        stored.updatedAt = organization.updatedAt
        stored.updatedBy = organization.updatedBy
        organizations[organization.id] = stored
        return await read(stored)
    }

    /// By name, then id (byte order, as the C.UTF-8 collation `./dev` creates the database with).
    public func list(matching search: String?, after cursor: OrganizationCursor?, limit: Int) async throws -> [Organization] {
        let needle = search?.lowercased()
        let page = organizations.values
            .filter { needle == nil || $0.name.lowercased().contains(needle!) }
            .filter { cursor == nil || Self.key($0) > (cursor!.name, cursor!.id.uuidString.lowercased()) }
            .sorted { Self.key($0) < Self.key($1) }
            .prefix(max(0, limit))
        var result: [Organization] = []
        for organization in page { if let read = await read(organization) { result.append(read) } }
        return result
    }

    /// The first acceptance of an invitation makes a pending organization active.
    func activate(id: UUID, at date: Date) {
        guard organizations[id]?.status == .pending else { return }
        organizations[id]?.status = .active
        organizations[id]?.updatedAt = date
    }

    func ids() -> Set<UUID> { Set(organizations.keys) }

    static func key(_ organization: Organization) -> (String, String) {
        (organization.name, organization.id.uuidString.lowercased())
    }

    /// The row as read: a deleted creator or updater reads as nil.
    func read(_ organization: Organization?) async -> Organization? {
        guard var organization else { return nil }
        let users = await references.userIDs()
        if let id = organization.createdBy, users.map({ !$0.contains(id) }) == true { organization.createdBy = nil }
        if let id = organization.updatedBy, users.map({ !$0.contains(id) }) == true { organization.updatedBy = nil }
        return organization
    }
}
