import GatehouseCore

/// View models of the second-factor pages. Every value is escaped by `{{x}}` in the templates,
/// the QR code's path included (it holds only path commands and numbers).

/// `/mfa`: type the code of one method, with links to the others.
struct MFAChallengeView: PageView {
    let templateName = "mfa"
    let title = "Two-step verification"
    let csrfToken: String
    let clientName: String?
    /// `totp`, `email` or `recovery`, posted back with the code.
    let method: String
    let instructions: String
    let codeLabel: String
    /// `numeric` for 6-digit codes, `text` for recovery codes.
    let inputMode: String
    let maxLength: Int
    let notice: String?
    let error: String?
    /// Links to the other ways (nil when not available).
    let totpURL: String?
    let recoveryURL: String?
    /// "Email me a code" posts here (nil when the user has no email factor or mail is off).
    let emailAction: String?
    let emailButton: String
}

/// Setting up an authenticator app: the QR code, the secret as text, and a first code. On the
/// account page the form also asks for the current password (re-authentication).
struct TOTPEnrolmentView: PageView {
    let templateName = "mfa_enrol"
    let title = "Set up your authenticator app"
    let csrfToken: String
    let lead: String
    let action: String
    let qrSize: Int
    let qrPath: String
    /// The base32 secret in groups of four, for typing it in by hand.
    let secret: String
    /// The same as a link, for setting up an app on the device showing this page.
    let otpauthURI: String
    let asksPassword: Bool
    let email: String
    let cancelURL: String?
    let error: String?
    /// Where "Get codes by email instead" posts, when a sign-in may enrol that way (nil otherwise).
    var emailAlternativeAction: String? = nil
    /// The account page's enrolment id, posted back so only this setup can be confirmed (nil at
    /// sign-in, where the pending sign-in keeps it).
    var enrolmentID: String? = nil
}

/// Enrolling emailed codes at sign-in: enter the code just sent, which proves the mailbox
/// before the factor is turned on.
struct EmailEnrolmentView: PageView {
    let templateName = "mfa_enrol_email"
    let title = "Get codes by email"
    let csrfToken: String
    let email: String
    let notice: String?
    let error: String?
}

/// New recovery codes, shown this once.
struct RecoveryCodesView: PageView {
    let templateName = "recovery_codes"
    let title = "Your recovery codes"
    let heading: String
    let csrfToken: String
    let lead: String
    /// Empty when the codes were already shown (a reload): only "Continue" is left.
    let codes: [String]
    /// Stored, not computed: templates read views through `Mirror`, which sees stored properties only.
    let hasCodes: Bool
    /// Where "Continue" goes: a POST (finishing a sign-in) or a plain link (back to the account).
    let continueAction: String?
    let continueURL: String?
    /// The codes as a text file in a `data:` URL, for the "Download" link (`<a download>`: a
    /// download, not a navigation, so no script and nothing the CSP has to allow).
    let downloadURL: String

    init(heading: String = "Save your recovery codes", csrfToken: String, lead: String, codes: [String],
         continueAction: String? = nil, continueURL: String? = nil) {
        self.heading = heading
        self.csrfToken = csrfToken
        self.lead = lead
        self.codes = codes
        self.hasCodes = !codes.isEmpty
        let text = "Recovery codes: each one signs you in once instead of a two-step code.\n\n" + codes.joined(separator: "\n") + "\n"
        self.downloadURL = "data:text/plain;charset=utf-8," + FormEncoding.encodeComponent(text)
        self.continueAction = continueAction
        self.continueURL = continueURL
    }
}

/// The account page's "Two-step verification" section.
struct TwoStepSection {
    let totpEnabled: Bool
    let emailEnabled: Bool
    /// The label of the second-factor field that turning a factor off or new recovery codes ask for.
    let codeLabel: String
    /// "Email me a code" posts here when emailed codes are the only factor (nil otherwise).
    let emailCodeAction: String?
    /// The emailed-code factor can be turned on (mail works and the address is verified).
    let emailAvailable: Bool
    let anyFactor: Bool
    /// "10 unused recovery codes left", in words for the count.
    let recoveryCodesLeft: String
    /// `GATEHOUSE_MFA_REQUIRED`: the last factor cannot be turned off.
    let required: Bool
}
