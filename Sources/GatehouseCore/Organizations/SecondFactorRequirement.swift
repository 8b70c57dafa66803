/// What a sign-in must prove besides the password, by the deployment's, the client's, the
/// request's and the active organization's rules together (`AuthorizationFlow`).
public struct SecondFactorRequirement: Sendable, Equatable {
    public var isRequired: Bool
    /// The methods that count: every one, unless the organization's policy allows fewer. A
    /// member without one of these enrols one.
    public var allowedMethods: Set<SecondFactorMethod>

    public init(isRequired: Bool, allowedMethods: Set<SecondFactorMethod> = Set(SecondFactorMethod.allCases)) {
        self.isRequired = isRequired
        self.allowedMethods = allowedMethods
    }
}

extension SecondFactorPolicy {
    /// The methods a member must prove one of; nil when the policy requires none.
    public var requiredMethods: Set<SecondFactorMethod>? {
        guard case .required(let methods) = self else { return nil }
        // The database refuses an empty set; were one to arrive, any method counts.
        return methods.isEmpty ? Set(SecondFactorMethod.allCases) : methods
    }
}
