import Foundation

/// Reading one row's fields under the rules every import shares: values trimmed, an empty value
/// is no value, no control characters (a line break or a NUL inside an email or a name is never
/// what was meant), and a cap on length so a result never echoes a megabyte.
struct ImportFields {
    let fields: [String: String]

    /// The trimmed value; nil when absent or empty.
    func optional(_ column: String, maximumLength: Int = 1_000) throws(ImportRowRefusal) -> String? {
        guard let raw = fields[column] else { return nil }
        let value = raw.trimmingCharacters(in: .whitespaces)
        guard !value.isEmpty else { return nil }
        guard !value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw ImportRowRefusal("\(column) contains a control character")
        }
        guard value.count <= maximumLength else { throw ImportRowRefusal("\(column) is longer than \(maximumLength) characters") }
        return value
    }

    func required(_ column: String, maximumLength: Int = 1_000) throws(ImportRowRefusal) -> String {
        guard let value = try optional(column, maximumLength: maximumLength) else { throw ImportRowRefusal("\(column) is missing") }
        return value
    }

    /// A normalised, plausible email (the rule registration applies).
    func email() throws(ImportRowRefusal) -> String {
        let email = User.normalizedEmail(try required("email", maximumLength: 254))
        guard EmailAddress.isPlausible(email) else { throw ImportRowRefusal("email is not a valid address") }
        return email
    }

    /// The account's name under `AccountName` (registration's rule).
    func name() throws(ImportRowRefusal) -> String? {
        guard let name = try optional("name", maximumLength: .max).flatMap(AccountName.normalized) else { return nil }
        guard !AccountName.isTooLong(name) else { throw ImportRowRefusal("name is longer than \(AccountName.maximumLength) characters") }
        return name
    }

    /// A built-in role by its name.
    func role(required: Bool) throws(ImportRowRefusal) -> Role? {
        guard let text = required ? try self.required("role", maximumLength: 40) : try optional("role", maximumLength: 40) else { return nil }
        guard let role = Role(rawValue: text.lowercased()) else {
            throw ImportRowRefusal("role must be one of \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return role
    }

    func boolean(_ column: String) throws(ImportRowRefusal) -> Bool? {
        guard let text = try optional(column, maximumLength: 10) else { return nil }
        switch text.lowercased() {
        case "true", "yes", "1": return true
        case "false", "no", "0": return false
        default: throw ImportRowRefusal("\(column) must be true or false")
        }
    }
}

/// Why one row is skipped, in a fixed sentence that names the column (never more than 40
/// characters of what the row held).
public struct ImportRowRefusal: Error, Sendable, Equatable {
    public var text: String
    public init(_ text: String) { self.text = text }
}
