import Foundation

/// What a person typed into the directory's search box, made safe to search with: control
/// characters (NUL among them) removed, trimmed, cut to `maximumLength` characters, and read as
/// one of three kinds of search, each of which an index answers (never a scan of every user):
///
/// - an id (the `sub` of tokens is the user's id): that user;
/// - text with a run of three letters or digits: emails and names that contain it, any case
///   (the trigram indexes find every trigram of such a run);
/// - shorter text with a letter or digit: emails and names that begin with it (a word's start
///   is a trigram the index has).
///
/// Text with no letter or digit at all matches nobody: a trigram index cannot look for it, and
/// no email or name is only punctuation. `%`, `_` and `\` are matched as themselves: a store
/// escapes them (`likePattern`).
public struct UserSearchText: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case id(UUID)
        case contains(String)
        case prefix(String)
        case nothing
    }

    /// The text as searched (normalised).
    public let text: String
    public let kind: Kind

    /// The longest text searched; the rest is ignored.
    public static let maximumLength = 100
    /// The run of letters or digits a contains-search needs (a trigram).
    static let trigram = 3

    /// Nil when nothing is left to search for (empty after normalising).
    public init?(_ typed: String) {
        let kept = String(String.UnicodeScalarView(typed.unicodeScalars.filter { !CharacterSet.controlCharacters.contains($0) }))
        let text = String(kept.trimmingCharacters(in: .whitespacesAndNewlines).prefix(Self.maximumLength))
            .trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { return nil }
        self.text = text
        if let id = UUID(uuidString: text) {
            kind = .id(id)
        } else if Self.longestRun(of: text) >= Self.trigram {
            kind = .contains(text.lowercased())
        } else if Self.longestRun(of: text) > 0 {
            kind = .prefix(text.lowercased())
        } else {
            kind = .nothing
        }
    }

    static func isWordCharacter(_ character: Character) -> Bool { character.isLetter || character.isNumber }

    static func longestRun(of text: String) -> Int {
        var longest = 0, current = 0
        for character in text {
            current = isWordCharacter(character) ? current + 1 : 0
            longest = max(longest, current)
        }
        return longest
    }

    /// `text` for a SQL LIKE with `\` as the escape character: `\`, `%` and `_` stand for
    /// themselves.
    public static func likeEscaped(_ text: String) -> String {
        var escaped = ""
        for character in text {
            if character == "\\" || character == "%" || character == "_" { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped
    }

    /// Whether `value` matches this search (the in-memory twin's reading of the same rule).
    public func matches(_ value: String?) -> Bool {
        guard let value = value?.lowercased() else { return false }
        switch kind {
        case .id, .nothing: return false
        case .contains(let needle): return value.contains(needle)
        case .prefix(let needle): return value.hasPrefix(needle)
        }
    }
}
