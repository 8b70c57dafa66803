/// View models of the self-service pages.
struct RegisterView: PageView {
    let templateName = "register"
    let title = "Create your account"
    let csrfToken: String
    let requestID: String?
    let clientName: String?
    /// Set when registration is not possible here (invite-only, or mail is off).
    let closed: String?
    let name: String
    let email: String
    let passwordRules: [String]
    let termsURL: String?
    let privacyURL: String?
    let errors: [String]
    let loginURL: String
}

struct VerifyEmailView: PageView {
    let templateName = "verify_email"
    let title = "Check your email"
    let csrfToken: String
    let ticket: String
    let email: String
    let action: String
    let resendAction: String
    let notice: String?
    let error: String?
}

struct ForgotPasswordView: PageView {
    let templateName = "forgot_password"
    let title = "Reset your password"
    let csrfToken: String
    let requestID: String?
    let sentTo: String?
    let unavailable: String?
    let loginURL: String
    /// Why the submitted form was refused (an address that cannot be one).
    var error: String? = nil
}

struct ResetPasswordView: PageView {
    let templateName = "reset_password"
    let title = "Choose a new password"
    let csrfToken: String
    let token: String
    let email: String
    let passwordRules: [String]
    let errors: [String]
}

struct NoticeView: PageView {
    let templateName = "notice"
    let title: String
    let message: String
    let linkURL: String?
    let linkText: String?
}

/// The parts of the account page that fold away.
enum AccountSection { case profile, email, password, twoStep }

struct AccountView: PageView {
    let templateName = "account"
    let title = "Your account"
    let csrfToken: String
    let email: String
    let emailVerified: Bool
    let name: String
    let givenName: String
    let familyName: String
    let picture: String
    let passwordRules: [String]
    let twoStep: TwoStepSection
    let sessions: [SessionLine]
    let apps: [AppLine]
    let notice: String?
    let errors: [String]
    /// Which folded form shows open: the one whose submission came back with errors.
    let open: OpenSections

    /// The page's folded forms (`<details>`); each open when its section is the one asked for.
    struct OpenSections {
        let profile: Bool
        let email: Bool
        let password: Bool
        let twoStep: Bool

        init(_ section: AccountSection?) {
            profile = section == .profile
            email = section == .email
            password = section == .password
            twoStep = section == .twoStep
        }
    }

    struct SessionLine {
        let id: String
        let device: String
        let ipAddress: String
        let lastSeen: String
        let signedIn: String
        let current: Bool
        let csrfToken: String
    }

    struct AppLine {
        let clientID: String
        let name: String
        /// What the app may do, in words (`Scope.accessSummary`).
        let access: String
        let grantedAt: String
        let csrfToken: String
    }
}
