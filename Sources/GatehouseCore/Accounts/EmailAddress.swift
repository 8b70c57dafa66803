/// A light plausibility check for typed email addresses. The real proof is the emailed code;
/// this only catches typos and refuses what could never be delivered or could break headers.
public enum EmailAddress {
    public static func isPlausible(_ text: String) -> Bool {
        let email = User.normalizedEmail(text)
        guard (3...254).contains(email.utf8.count), !email.contains(where: { $0.isWhitespace || $0.isNewline }),
              !email.contains(where: { "<>()[]\\,;:\"".contains($0) }) else { return false }
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[0].utf8.count <= 64 else { return false }
        let domain = parts[1]
        return domain.contains(".") && !domain.hasPrefix(".") && !domain.hasSuffix(".") && !domain.contains("..")
    }
}
