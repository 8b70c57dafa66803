/// What a deployment's password policy demands. The defaults follow NIST SP 800-63B §5.1.1.2
/// and OWASP ASVS V2.1: long passwords, no composition rules, no periodic change, but a
/// blocklist of common and context-specific passwords and no reuse of recent ones.
public struct PasswordPolicySettings: Sendable, Equatable {
    /// Fewest Unicode code points after NFKC normalization (ASVS 2.1.1 asks for 12; 8 at least).
    public var minimumLength = 12
    /// Most code points after normalization; longer passwords are refused, never truncated
    /// (ASVS 2.1.2 asks that at least 64 be allowed).
    public var maximumLength = 128
    /// Composition rules, off by default (NIST SP 800-63B §5.1.1.2: they should not be imposed);
    /// some organizations demand them.
    public var requireUppercase = false
    public var requireLowercase = false
    public var requireDigit = false
    public var requireSymbol = false
    /// How many recent passwords may not be used again, the current one included; 0 turns the
    /// history off.
    public var historyCount = 5
    /// Days after which a password must be changed at the next sign-in; nil (the default) never
    /// (NIST SP 800-63B §5.1.1.2 and ASVS 2.1.10 advise against periodic changes).
    public var maximumAgeDays: Int?
    /// Names of the service a password must not contain, compared case-insensitively; words
    /// shorter than 4 characters are ignored.
    public var serviceNames = ["gatehouse"]

    public init() {}
}
