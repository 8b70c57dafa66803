import GatehouseCore
import Hummingbird

/// The second factor: its step in a sign-in (`/mfa`, codes by email, enrolment that a policy
/// forces, `/mfa/continue`) and its settings on the account page (`/account/mfa/…`: set up an
/// authenticator app, emailed codes, turn either off, new recovery codes).
struct MFAModule: WebModule {
    /// What the second-factor pages may use, and nothing more.
    struct Dependencies: Sendable {
        let pages: PagePipeline
        /// Where a proven second factor continues the sign-in (shared with sign-in and accounts).
        let signIn: SignInFlow
        /// The account page, shown again with errors by the account actions (shared with `AccountsModule`).
        let accountPage: AccountPage
        let settings: MFASettings
        /// `GATEHOUSE_MFA_REQUIRED`: the last factor cannot be turned off.
        let requireMFA: Bool
        let accountSettings: AccountSettings
        let users: any UserStore
        let states: any AuthorizationStateStore
        let clients: any ClientStore
        let credentials: any MFACredentialStore
        let recoveryCodeStore: any RecoveryCodeStore
        let totp: TOTPFactor
        let recoveryCodes: RecoveryCodes
        let challenges: SecondFactorChallenges
        let verifier: SecondFactorVerifier
        let emailCodes: EmailVerification
        /// The resend throttle's store, for codes the account page emails.
        let verifications: any VerificationStore
        let codeSender: SignInCodeSender
        let mail: MailComposer
        /// Per-account limits: every code typed reserves a `.secondFactor` attempt first.
        let attemptLimiter: AttemptLimiter
        let currentPassword: CurrentPasswordCheck
        /// Ends other sessions and grants when a factor changes.
        let accountSecurity: AccountSecurity
        let audit: RequestAuditLog
        let clock: any Clock
    }

    let dependencies: Dependencies

    var routes: RouteCollection<GatehouseRequestContext> {
        let routes = PageRoutes(dependencies.pages)
        MFAPage(dependencies: dependencies).register(on: routes)
        MFAEnrolmentPage(dependencies: dependencies).register(on: routes)
        MFAEmailEnrolment(dependencies: dependencies).register(on: routes)
        AccountMFAActions(dependencies: dependencies).register(on: routes)
        return routes.collection
    }
}
