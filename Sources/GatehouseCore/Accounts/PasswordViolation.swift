/// One way a proposed password breaks the policy. Each carries a `message` in plain words that
/// says what to do, for the registration, reset and change-password pages to show as is.
public enum PasswordViolation: Sendable, Hashable {
    case tooShort(minimum: Int, actual: Int)
    case tooLong(maximum: Int, actual: Int)
    case missingUppercase
    case missingLowercase
    case missingDigit
    case missingSymbol
    case containsEmail
    case containsName
    case containsServiceName(String)
    /// On the published list of common passwords.
    case common
    /// One character repeated, a short pattern repeated, or a run such as "123456789012".
    case predictable
    /// One of the last `count` passwords of the account.
    case reused(count: Int)

    public var message: String {
        switch self {
        case .tooShort(let minimum, let actual):
            "Use at least \(minimum) characters — this one has \(actual)."
        case .tooLong(let maximum, let actual):
            "Use at most \(maximum) characters — this one has \(actual)."
        case .missingUppercase:
            "Add at least one uppercase letter."
        case .missingLowercase:
            "Add at least one lowercase letter."
        case .missingDigit:
            "Add at least one digit (0–9)."
        case .missingSymbol:
            "Add at least one symbol or space, such as ! # - or ?."
        case .containsEmail:
            "Leave your email address out of your password."
        case .containsName:
            "Leave your name out of your password."
        case .containsServiceName(let name):
            "Leave the name “\(name)” out of your password."
        case .common:
            "This is one of the most common passwords, which attackers try first. Choose something less predictable, such as a few unrelated words."
        case .predictable:
            "Avoid repeating one character or a short pattern, and simple runs such as 1234 or abcd. A few unrelated words work well."
        case .reused(let count):
            count == 1
                ? "This is your current password. Choose a new one."
                : "You have used this password recently. Choose one that is not among your last \(count)."
        }
    }
}
