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

    /// What a sign-in must do before its session starts.
    public enum Step: Sendable, Equatable {
        /// Nothing more: the session may start.
        case none
        /// Prove one of these factors the user holds (`/mfa`).
        case prove([MFACredential.Kind])
        /// Enrol one of the allowed methods (`/mfa/enrol`): the user holds none of them.
        case enrol
    }

    /// The user's confirmed factors that meet this requirement.
    public func counting(_ held: [MFACredential.Kind]) -> [MFACredential.Kind] {
        held.filter { kind in SecondFactorMethod(rawValue: kind.rawValue).map(allowedMethods.contains) ?? false }
    }

    /// The next step of a sign-in by a user holding `held` who has proven `amr` so far, by one
    /// rule for every way in (as `--require-mfa` clients have it, and an organization's policy):
    ///
    /// - a user with a factor proves one, whether or not anything requires it;
    /// - when one is required and the user holds an allowed one, that one is proven (a factor
    ///   the policy does not allow does not count);
    /// - when one is required and the user holds none of the allowed methods, they enrol one:
    ///   straight away when they hold no factor at all (the password proved minutes ago may set
    ///   up the first one), else only after proving the factor they have, since a password alone
    ///   never adds a factor to an account that has one.
    public func step(held: [MFACredential.Kind], amr: [String]) -> Step {
        let proven = amr.contains(AuthenticationMethods.multipleFactors)
        guard isRequired else { return held.isEmpty || proven ? .none : .prove(held) }
        let counted = counting(held)
        if !counted.isEmpty { return proven ? .none : .prove(counted) }
        if held.isEmpty || proven { return .enrol }
        return .prove(held)
    }

    /// Whether a session that proved `proven` meets the allowed methods: a recovery code stands
    /// in for any; a session whose factor is not known meets only a requirement allowing all.
    public func accepts(_ proven: ProvenSecondFactor?) -> Bool {
        switch proven {
        case .recoveryCode: true
        case .authenticatorApp: allowedMethods.contains(.authenticatorApp)
        case .emailedCode: allowedMethods.contains(.emailedCode)
        case nil: allowedMethods == Set(SecondFactorMethod.allCases)
        }
    }

    /// Whether the sign-in's enrolment pages may add one of the allowed methods now: the user
    /// holds none of them, and either holds no factor at all or has proven one in this sign-in.
    public func mayEnrol(held: [MFACredential.Kind], amr: [String]) -> Bool {
        counting(held).isEmpty && (held.isEmpty || amr.contains(AuthenticationMethods.multipleFactors))
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
