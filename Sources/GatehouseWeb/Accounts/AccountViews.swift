import Foundation
import GatehouseCore
/// View models of the self-service pages.

/// The registration form, or why registration is closed.
struct RegisterView: PageView {
    static let template = "register"
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

    var templateValues: TemplateValues {
        [
            "title": .text("Create your account"),
            "csrfToken": .text(csrfToken),
            "requestID": .text(requestID),
            "clientName": .text(clientName),
            "closed": .text(closed),
            "name": .text(name),
            "email": .text(email),
            "passwordRules": .list(passwordRules),
            "termsURL": .text(termsURL),
            "privacyURL": .text(privacyURL),
            "errors": .list(errors),
            "loginURL": .text(loginURL),
        ]
    }

    static let sample = RegisterView(csrfToken: "csrf", requestID: "request-id", clientName: "Example App",
                                     closed: "Registration is by invitation only.", name: "Ada Lovelace", email: "ada@example.test",
                                     passwordRules: ["At least 12 characters"], termsURL: "https://example.test/terms",
                                     privacyURL: "https://example.test/privacy", errors: ["Choose a longer password."],
                                     loginURL: "/login?request=request-id")
}

/// "Check your email": the form for the code sent to prove an address.
struct VerifyEmailView: PageView {
    static let template = "verify_email"
    let csrfToken: String
    let ticket: String
    let email: String
    let action: String
    let resendAction: String
    let notice: String?
    let error: String?

    var templateValues: TemplateValues {
        [
            "title": .text("Check your email"),
            "csrfToken": .text(csrfToken),
            "ticket": .text(ticket),
            "email": .text(email),
            "action": .text(action),
            "resendAction": .text(resendAction),
            "notice": .text(notice),
            "error": .text(error),
        ]
    }

    static let sample = VerifyEmailView(csrfToken: "csrf", ticket: "ticket", email: "ada@example.test", action: "/verify-email",
                                        resendAction: "/verify-email/resend", notice: "We sent a new code.",
                                        error: "That code is not right.")
}

/// Asking for a reset link, and "we sent it".
struct ForgotPasswordView: PageView {
    static let template = "forgot_password"
    let csrfToken: String
    let requestID: String?
    let sentTo: String?
    let unavailable: String?
    let loginURL: String
    /// Why the submitted form was refused (an address that cannot be one).
    var error: String? = nil

    var templateValues: TemplateValues {
        [
            "title": .text("Reset your password"),
            "csrfToken": .text(csrfToken),
            "requestID": .text(requestID),
            "sentTo": .text(sentTo),
            "unavailable": .text(unavailable),
            "loginURL": .text(loginURL),
            "error": .text(error),
        ]
    }

    static let sample = ForgotPasswordView(csrfToken: "csrf", requestID: "request-id", sentTo: "ada@example.test",
                                           unavailable: "Password reset is not available.", loginURL: "/login",
                                           error: "Enter an email address.")
}

/// Choosing a new password from a reset link.
struct ResetPasswordView: PageView {
    static let template = "reset_password"
    let csrfToken: String
    let token: String
    let email: String
    let passwordRules: [String]
    let errors: [String]

    var templateValues: TemplateValues {
        [
            "title": .text("Choose a new password"),
            "csrfToken": .text(csrfToken),
            "token": .text(token),
            "email": .text(email),
            "passwordRules": .list(passwordRules),
            "errors": .list(errors),
        ]
    }

    static let sample = ResetPasswordView(csrfToken: "csrf", token: "reset-token", email: "ada@example.test",
                                          passwordRules: ["At least 12 characters"], errors: ["The passwords differ."])
}

/// A message with a way forward (a link), for the end of a flow or a link that no longer works.
struct NoticeView: PageView {
    static let template = "notice"
    let title: String
    let message: String
    let linkURL: String?
    let linkText: String?

    var templateValues: TemplateValues {
        ["title": .text(title), "message": .text(message), "linkURL": .text(linkURL), "linkText": .text(linkText)]
    }

    static let sample = NoticeView(title: "Password changed", message: "Sign in with the new password.", linkURL: "/login",
                                   linkText: "Sign in")
}

/// The parts of the account page that fold away.
enum AccountSection { case profile, email, password, twoStep }

/// The account page: profile, email, password, second factor, sessions and connected apps.
struct AccountView: PageView {
    static let template = "account"
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
    /// Nil when every session fits on this page.
    let sessionPages: SessionPages?
    let apps: [AppLine]
    /// The organizations the user administers (their pages), and the people page for a
    /// platform role: the section shows only when there is something in it.
    let administration: AdministrationLinks
    /// Every time an administrator signed in as the user for support (issue 11 item 8).
    let supportSignIns: [SupportSignInLine]
    let notice: String?
    let errors: [String]
    /// Which folded form shows open: the one whose submission came back with errors.
    let open: OpenSections

    var templateValues: TemplateValues {
        [
            "title": .text("Your account"),
            "csrfToken": .text(csrfToken),
            "email": .text(email),
            "emailVerified": .flag(emailVerified),
            "name": .text(name),
            "givenName": .text(givenName),
            "familyName": .text(familyName),
            "picture": .text(picture),
            "passwordRules": .list(passwordRules),
            "twoStep": .nested(twoStep),
            "sessions": .list(sessions),
            "sessionPages": .nested(sessionPages?.templateValues),
            "apps": .list(apps),
            "administration": .nested(administration),
            "supportSignIns": .list(supportSignIns),
            "notice": .text(notice),
            "errors": .list(errors),
            "open": .nested(open),
        ]
    }

    /// The page's folded forms (`<details>`); each open when its section is the one asked for.
    struct OpenSections: TemplateContent {
        let section: AccountSection?

        init(_ section: AccountSection?) {
            self.section = section
        }

        var templateValues: TemplateValues {
            [
                "profile": .flag(section == .profile),
                "email": .flag(section == .email),
                "password": .flag(section == .password),
                "twoStep": .flag(section == .twoStep),
            ]
        }
    }

    /// A browser signed in to this account.
    struct SessionLine: TemplateContent {
        let id: String
        let device: String
        let ipAddress: String
        let lastSeen: String
        let signedIn: String
        let current: Bool
        let csrfToken: String

        var templateValues: TemplateValues {
            [
                "id": .text(id),
                "device": .text(device),
                "ipAddress": .text(ipAddress),
                "lastSeen": .text(lastSeen),
                "signedIn": .text(signedIn),
                "current": .flag(current),
                "csrfToken": .text(csrfToken),
            ]
        }
    }

    /// Links to the older sessions and back to the newest, when there are such pages.
    struct SessionPages: TemplateContent {
        let olderURL: String?
        let newestURL: String?

        var templateValues: TemplateValues {
            ["olderURL": .text(olderURL), "newestURL": .text(newestURL)]
        }
    }

    /// A client the user gave consent to.
    struct AppLine: TemplateContent {
        let clientID: String
        let name: String
        /// What the app may do, in words (`Scope.accessSummary`).
        let access: String
        let grantedAt: String
        let csrfToken: String

        var templateValues: TemplateValues {
            [
                "clientID": .text(clientID),
                "name": .text(name),
                "access": .text(access),
                "grantedAt": .text(grantedAt),
                "csrfToken": .text(csrfToken),
            ]
        }
    }

    /// One support session as the user: who, when, why, for how long.
    struct SupportSignInLine: TemplateContent {
        let administrator: String
        let started: String
        let reason: String
        let duration: String

        var templateValues: TemplateValues {
            ["administrator": .text(administrator), "started": .text(started), "reason": .text(reason), "duration": .text(duration)]
        }

        init(_ record: SupportSignInRecord, now: Date) {
            administrator = record.impersonatorEmail ?? "A former administrator"
            started = AccountPage.format(record.startedAt)
            reason = record.reason
            let end = min(record.endedAt, max(now, record.startedAt))
            let minutes = Int((end.timeIntervalSince(record.startedAt) / 60).rounded(.up))
            duration = (record.endedAt > now ? "still going, " : "") + (minutes == 1 ? "1 minute" : "\(minutes) minutes")
        }

        init(administrator: String, started: String, reason: String, duration: String) {
            self.administrator = administrator
            self.started = started
            self.reason = reason
            self.duration = duration
        }
    }

    static let sample = AccountView(
        csrfToken: "csrf", email: "ada@example.test", emailVerified: true, name: "Ada Lovelace", givenName: "Ada",
        familyName: "Lovelace", picture: "https://example.test/ada.png", passwordRules: ["At least 12 characters"],
        twoStep: .sample,
        sessions: [SessionLine(id: "session-id", device: "Firefox on Linux", ipAddress: "192.0.2.1", lastSeen: "5 March 2024, 09:07",
                               signedIn: "5 March 2024, 08:00", current: true, csrfToken: "csrf")],
        sessionPages: SessionPages(olderURL: "/account?sessions_after=1709629620000000-x#sessions", newestURL: "/account#sessions"),
        apps: [AppLine(clientID: "example-app", name: "Example App", access: "Your name and email address",
                       grantedAt: "5 March 2024", csrfToken: "csrf")],
        administration: AdministrationLinks(organizations: [.init(name: "Northwind Traders", slug: "northwind")], people: true),
        supportSignIns: [SupportSignInLine(administrator: "grace@example.test", started: "5 March 2024, 09:00",
                                           reason: "Ticket 4711: the invoice page is empty", duration: "15 minutes")],
        notice: "Your profile is saved.", errors: ["Enter a valid picture URL."], open: OpenSections(.profile))
}

/// The account page's links to what the user administers.
struct AdministrationLinks: TemplateContent {
    struct Organization: TemplateContent {
        let name: String
        let slug: String

        var templateValues: TemplateValues { ["name": .text(name), "slug": .text(slug)] }
    }

    let organizations: [Organization]
    /// A platform role: the people page.
    let people: Bool

    var templateValues: TemplateValues {
        ["organizations": .list(organizations), "people": .flag(people), "any": .flag(people || !organizations.isEmpty)]
    }
}
