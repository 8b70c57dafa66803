import GatehouseCore

/// View models of the second-factor pages. `PageRenderer` escapes every text, the QR code's
/// path included (it holds only path commands and numbers).

/// `/mfa`: type the code of one method, with links to the others.
struct MFAChallengeView: PageView {
    static let template = "mfa"
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

    var templateValues: TemplateValues {
        [
            "title": .text("Two-step verification"),
            "csrfToken": .text(csrfToken),
            "clientName": .text(clientName),
            "method": .text(method),
            "instructions": .text(instructions),
            "codeLabel": .text(codeLabel),
            "inputMode": .text(inputMode),
            "maxLength": .text(String(maxLength)),
            "notice": .text(notice),
            "error": .text(error),
            "totpURL": .text(totpURL),
            "recoveryURL": .text(recoveryURL),
            "emailAction": .text(emailAction),
            "emailButton": .text(emailButton),
        ]
    }

    static let sample = MFAChallengeView(
        csrfToken: "csrf", clientName: "Example App", method: "totp", instructions: "Enter the code your authenticator app shows.",
        codeLabel: "Code from your authenticator app", inputMode: "numeric", maxLength: 8, notice: "We sent a code to your email.",
        error: "That code is not right.", totpURL: "/mfa?method=totp", recoveryURL: "/mfa?method=recovery", emailAction: "/mfa/email",
        emailButton: "Email me a code")
}

/// Setting up an authenticator app: the QR code, the secret as text, and a first code. On the
/// account page the form also asks for the current password (re-authentication).
struct TOTPEnrolmentView: PageView {
    static let template = "mfa_enrol"
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

    var templateValues: TemplateValues {
        [
            "title": .text("Set up your authenticator app"),
            "csrfToken": .text(csrfToken),
            "lead": .text(lead),
            "action": .text(action),
            "qrSize": .text(String(qrSize)),
            "qrPath": .text(qrPath),
            "secret": .text(secret),
            "otpauthURI": .text(otpauthURI),
            "asksPassword": .flag(asksPassword),
            "email": .text(email),
            "cancelURL": .text(cancelURL),
            "error": .text(error),
            "emailAlternativeAction": .text(emailAlternativeAction),
            "enrolmentID": .text(enrolmentID),
        ]
    }

    static let sample = TOTPEnrolmentView(
        csrfToken: "csrf", lead: "After this, signing in asks for a code from the app on your phone.", action: "/account/mfa/totp/confirm",
        qrSize: 29, qrPath: "M4 4h7v7h-7z", secret: "ABCD EFGH IJKL MNOP", otpauthURI: "otpauth://totp/Gatehouse:ada@example.test?secret=ABCDEFGHIJKLMNOP",
        asksPassword: true, email: "ada@example.test", cancelURL: "/account", error: "That code is not right.",
        emailAlternativeAction: "/mfa/enrol/email", enrolmentID: "enrolment-id")
}

/// Enrolling emailed codes at sign-in: enter the code just sent, which proves the mailbox
/// before the factor is turned on.
struct EmailEnrolmentView: PageView {
    static let template = "mfa_enrol_email"
    let csrfToken: String
    let email: String
    let notice: String?
    let error: String?
    /// An authenticator app may be set up instead (an organization may allow emailed codes only).
    var appAllowed = true

    var templateValues: TemplateValues {
        [
            "title": .text("Get codes by email"),
            "csrfToken": .text(csrfToken),
            "email": .text(email),
            "notice": .text(notice),
            "error": .text(error),
            "appAllowed": .flag(appAllowed),
        ]
    }

    static let sample = EmailEnrolmentView(csrfToken: "csrf", email: "ada@example.test", notice: "We sent a new code.",
                                           error: "That code is not right.")
}

/// New recovery codes, shown this once.
struct RecoveryCodesView: PageView {
    static let template = "recovery_codes"
    let heading: String
    let csrfToken: String
    let lead: String
    /// Empty when the codes were already shown (a reload): only "Continue" is left.
    let codes: [String]
    /// Where "Continue" goes: a POST (finishing a sign-in) or a plain link (back to the account).
    let continueAction: String?
    let continueURL: String?

    init(heading: String = "Save your recovery codes", csrfToken: String, lead: String, codes: [String],
         continueAction: String? = nil, continueURL: String? = nil) {
        self.heading = heading
        self.csrfToken = csrfToken
        self.lead = lead
        self.codes = codes
        self.continueAction = continueAction
        self.continueURL = continueURL
    }

    /// The codes as a text file in a `data:` URL, for the "Download" link (`<a download>`: a
    /// download, not a navigation, so no script and nothing the CSP has to allow).
    var downloadURL: String {
        let text = "Recovery codes: each one signs you in once instead of a two-step code.\n\n" + codes.joined(separator: "\n") + "\n"
        return "data:text/plain;charset=utf-8," + FormEncoding.encodeComponent(text)
    }

    var templateValues: TemplateValues {
        [
            "title": .text("Your recovery codes"),
            "heading": .text(heading),
            "csrfToken": .text(csrfToken),
            "lead": .text(lead),
            "codes": .list(codes),
            "hasCodes": .flag(!codes.isEmpty),
            "continueAction": .text(continueAction),
            "continueURL": .text(continueURL),
            "downloadURL": .text(downloadURL),
        ]
    }

    static let sample = RecoveryCodesView(csrfToken: "csrf", lead: "Each code signs you in once if you lose your phone.",
                                          codes: ["abcd-efgh-ijkl", "mnop-qrst-uvwx"], continueAction: "/mfa/continue",
                                          continueURL: "/account?done=recovery-codes")
}

/// The account page's "Two-step verification" section.
struct TwoStepSection: TemplateContent {
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

    var templateValues: TemplateValues {
        [
            "totpEnabled": .flag(totpEnabled),
            "emailEnabled": .flag(emailEnabled),
            "codeLabel": .text(codeLabel),
            "emailCodeAction": .text(emailCodeAction),
            "emailAvailable": .flag(emailAvailable),
            "anyFactor": .flag(anyFactor),
            "recoveryCodesLeft": .text(recoveryCodesLeft),
            "required": .flag(required),
        ]
    }

    static let sample = TwoStepSection(totpEnabled: true, emailEnabled: false, codeLabel: "Code from your authenticator app, or a recovery code",
                                       emailCodeAction: "/account/mfa/email-code", emailAvailable: true, anyFactor: true,
                                       recoveryCodesLeft: "10 unused recovery codes left.", required: false)
}
