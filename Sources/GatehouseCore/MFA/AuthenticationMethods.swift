/// The authentication method references (RFC 8176 §2) and the two authentication context
/// classes Gatehouse advertises (`acr_values_supported`).
///
/// RFC 8176 has no value for an emailed code: it is a one-time password, so it counts as
/// `otp`, like TOTP. A recovery code is neither RFC 4226 nor RFC 6238, so it adds only `mfa`.
public enum AuthenticationMethods {
    public static let password = "pwd"
    public static let oneTimePassword = "otp"
    public static let multipleFactors = "mfa"

    /// `acr` values: a password alone, or more than one factor.
    public static let passwordClass = "pwd"
    public static let multiFactorClass = "mfa"
    public static let supportedClasses = [passwordClass, multiFactorClass]

    /// The ID token's `acr` for a session that authenticated with `amr`.
    public static func contextClass(for amr: [String]) -> String {
        amr.contains(multipleFactors) ? multiFactorClass : passwordClass
    }

    /// `base` plus `added`, then `mfa`, each once, in that order.
    public static func combined(_ base: [String], _ added: [String]) -> [String] {
        var result: [String] = []
        for method in base + added + [multipleFactors] where !result.contains(method) {
            result.append(method)
        }
        return result
    }
}
