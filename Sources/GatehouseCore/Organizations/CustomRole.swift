import Foundation

/// A permission string an operator defined (`reports:read`), with what it is for.
public struct Permission: Sendable, Equatable {
    public var name: String
    public var description: String
    public var createdAt: Date
    public var createdBy: UUID?

    public init(name: String, description: String = "", createdAt: Date, createdBy: UUID?) {
        self.name = name
        self.description = description
        self.createdAt = createdAt
        self.createdBy = createdBy
    }
}

/// A named set of permissions: global (defined by `site_admin` and above) or belonging to one
/// organization (defined by its `client_admin`), assigned to users.
public struct CustomRole: Sendable, Equatable {
    public var id: UUID
    /// nil: a global role.
    public var organizationID: UUID?
    public var name: String
    public var permissions: Set<String>
    public var createdAt: Date
    public var createdBy: UUID?
    public var updatedAt: Date
    public var updatedBy: UUID?

    public init(id: UUID, organizationID: UUID?, name: String, permissions: Set<String>, createdAt: Date, createdBy: UUID?,
                updatedAt: Date? = nil, updatedBy: UUID? = nil) {
        self.id = id
        self.organizationID = organizationID
        self.name = name
        self.permissions = permissions
        self.createdAt = createdAt
        self.createdBy = createdBy
        self.updatedAt = updatedAt ?? createdAt
        self.updatedBy = updatedBy
    }
}
