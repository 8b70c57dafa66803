import GatehouseCore
import Hummingbird

/// Self-service accounts: registration, email verification, forgotten and reset passwords, and
/// the account page with its actions (profile, email, password, sessions, connected apps). The
/// account page's two-step section is the second-factor module's (`MFAModule`).
struct AccountsModule: WebModule {
    /// What the account pages may use, and nothing more.
    struct Dependencies: Sendable {
        let pages: PagePipeline
        /// Where a proven address continues a sign-in (shared with sign-in and the second factor).
        let signIn: SignInFlow
        /// Sends a code and shows the page to type it (shared with the sign-in flow).
        let verificationStart: EmailVerificationStart
        /// The account page, shown again with errors by every action (shared with `MFAModule`).
        let accountPage: AccountPage
        let settings: AccountSettings
        let users: any UserStore
        let sessions: any SessionStore
        let consents: any ConsentStore
        let clients: any ClientStore
        let states: any AuthorizationStateStore
        let passwordPolicy: PasswordPolicy
        let newPassword: NewPasswordCheck
        /// The name, password and terms of a new account (shared with the invitation page).
        let newAccount: NewAccount
        let currentPassword: CurrentPasswordCheck
        let verification: EmailVerification
        let passwordResets: PasswordReset
        let mail: MailComposer
        /// Per-account limits: a reset lifts the password's lock.
        let attemptLimiter: AttemptLimiter
        /// argon2 outside sign-in, admitted per address and per account before it runs.
        let passwordWork: PasswordWorkLimiter
        /// Ends sessions and grants when credentials change.
        let accountSecurity: AccountSecurity
        let grantRevocation: GrantRevocation
        let audit: RequestAuditLog
        let clock: any Clock
    }

    let dependencies: Dependencies

    var routes: RouteCollection<GatehouseRequestContext> {
        let routes = PageRoutes(dependencies.pages)
        RegistrationPage(dependencies: dependencies).register(on: routes)
        EmailVerificationPage(dependencies: dependencies).register(on: routes)
        PasswordResetPages(dependencies: dependencies).register(on: routes)
        AccountActions(dependencies: dependencies).register(on: routes)
        return routes.collection
    }
}
