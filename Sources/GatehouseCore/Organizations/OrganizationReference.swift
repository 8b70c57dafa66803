import Foundation

/// The `organization` authorize parameter, as Auth0 takes it: an organization's id or its slug.
/// Only the form is checked here (a UUID, or a slug by `OrganizationNames.isSlug`); whether the
/// organization exists, and whether the user may act for it, is decided once the user is known
/// (`ActiveOrganization`), and answered the same way for both, so the parameter cannot be used
/// to learn which organizations exist.
public struct OrganizationReference: Sendable, Equatable, Codable {
    /// The parameter as sent.
    public let text: String

    /// Nil when `text` is neither a UUID nor a slug.
    public init?(_ text: String) {
        guard UUID(uuidString: text) != nil || OrganizationNames.isSlug(text) else { return nil }
        self.text = text
    }

    /// The id it names, when it has the form of one.
    public var id: UUID? { UUID(uuidString: text) }
    /// The slug it names, when it has the form of one (a lower-case UUID has both forms).
    public var slug: String? { OrganizationNames.isSlug(text) ? text : nil }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let reference = OrganizationReference(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not an organization id or slug"))
        }
        self = reference
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }
}

extension OrganizationStore {
    /// The organization a reference names: by id when it has that form, else (or when no
    /// organization has that id) by slug.
    public func find(_ reference: OrganizationReference) async throws -> Organization? {
        if let id = reference.id, let found = try await find(id: id) { return found }
        guard let slug = reference.slug else { return nil }
        return try await find(slug: slug)
    }
}
