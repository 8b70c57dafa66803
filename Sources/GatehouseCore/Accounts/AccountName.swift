import Foundation

/// The one rule for the name an account carries, whoever sets it: registration, an invitation's
/// link, an import.
public enum AccountName {
    public static let maximumLength = 200

    /// The name as stored: trimmed, nil when nothing is left.
    public static func normalized(_ text: String) -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.isEmpty ? nil : trimmed
    }

    /// Whether a normalized name is too long to keep.
    public static func isTooLong(_ name: String) -> Bool { name.count > maximumLength }
}
