import Foundation
import GatehouseCore
import Hummingbird

/// `/invitations/<token>`: the link an invitation mail carries (issue 10 item 4).
///
/// Opening it changes nothing (a mail scanner that follows the link must not use it up); the
/// POST accepts. Someone without an account chooses a name and a password under the policy and
/// is signed in with the address verified (the link proved the mailbox); someone with an
/// account accepts while signed in as it. Every link that no longer works gets a page saying
/// which way it stopped: expired, revoked, used, replaced by a newer one, or not a link at all.
struct InvitationPage {
    let dependencies: InvitationsModule.Dependencies

    var responder: PageResponder { dependencies.pages.responder }

    func register(on routes: PageRoutes) {
        routes.get("/invitations/:token") { page in
            try await show(page, token: Self.token(page), name: "", errors: [])
        }
        // Counted like registrations: a new account's password costs an argon2 hash.
        routes.post("/invitations/:token", limit: .registration) { page in
            try await accept(page, token: Self.token(page))
        }
    }

    /// The path's token; anything longer than a token can be names nothing.
    static func token(_ page: PageRequest) -> String {
        let token = page.context.parameters.get("token") ?? ""
        return token.utf8.count <= 128 ? token : ""
    }

    func show(_ page: PageRequest, token: String, name: String, errors: [String]) async throws -> Response {
        guard let details = try await dependencies.invitations.details(token: token) else { return notALink() }
        guard details.state == .pending else { return stopped(details.state) }
        let invitation = details.invitation
        let csrf = page.csrfToken()
        let action = "/invitations/" + token
        var view = InvitationView(
            heading: details.organization.map { "Join \($0.name)" } ?? "Join \(dependencies.settings.serviceName)",
            summary: summary(details), problem: nil, email: invitation.email, expires: AccountPage.format(invitation.expiresAt),
            newAccount: nil, accept: nil, signInURL: nil, otherAccount: nil)
        if let session = try await page.session(), let user = try await dependencies.users.find(id: session.userID) {
            if user.email == invitation.email {
                view.accept = .init(csrfToken: csrf.value, action: action)
            } else {
                view.otherAccount = user.email
            }
        } else if try await dependencies.users.find(email: invitation.email) != nil {
            view.signInURL = "/login"
        } else {
            view.newAccount = .init(csrfToken: csrf.value, action: action, name: name,
                                    passwordRules: dependencies.passwordPolicy.rules(forNewAccount: true),
                                    termsURL: dependencies.settings.termsURL, privacyURL: dependencies.settings.privacyURL, errors: errors)
        }
        return responder.form(view, refused: !errors.isEmpty, cookies: csrf.cookies)
    }

    func accept(_ page: PageRequest, token: String) async throws -> Response {
        guard let details = try await dependencies.invitations.details(token: token) else { return notALink() }
        guard details.state == .pending else { return stopped(details.state) }
        if let session = try await page.session() {
            // Joining an organization is the user's own decision, never taken in a support session.
            if session.support != nil { return page.pipeline.refusedInSupportSession() }
            guard let user = try await dependencies.users.find(id: session.userID), user.email == details.invitation.email else {
                return try await show(page, token: token, name: "", errors: [])
            }
            let outcome = try await dependencies.invitations.accept(token: token, as: .existingUser(user.id))
            return try await answer(outcome, page: page, token: token) { Responses.seeOther("/account?done=invitation") }
        }
        return try await createAccount(page, token: token, email: details.invitation.email)
    }

    /// A new account for the invited address, accepted and signed in.
    func createAccount(_ page: PageRequest, token: String, email: String) async throws -> Response {
        let (entry, problems) = try await dependencies.newAccount.read(page.form, email: email)
        guard problems.isEmpty else { return try await show(page, token: token, name: entry.name, errors: problems) }
        // Verified: only the mailbox's owner has the link.
        let (user, hash) = try await dependencies.newAccount.account(entry, email: email, verified: true, from: page.origin)
        let outcome = try await dependencies.invitations.accept(token: token, as: .newUser(user))
        return try await answer(outcome, page: page, token: token) {
            try await dependencies.newAccount.created(user, hash: hash)
            // The remaining sign-in steps (a second factor the policy requires) and a new session.
            return try await dependencies.signIn.complete(user: user, amr: ["pwd"], page: page, pendingID: nil)
        }
    }

    /// `accepted` runs on success; every other outcome is a page.
    func answer(_ outcome: InvitationAcceptance, page: PageRequest, token: String,
                accepted: () async throws -> Response) async throws -> Response {
        switch outcome {
        case .accepted: return try await accepted()
        case .unavailable(let state): return stopped(state)
        case .notFound: return notALink()
        // An account for the address appeared meanwhile (registered, or a parallel accept): sign in.
        case .emailTaken: return try await show(page, token: token, name: "", errors: [])
        }
    }

    func summary(_ details: InvitationDetails) -> String {
        let place = RoleWords.place(details.invitation.role, organization: details.organization,
                                    serviceName: dependencies.settings.serviceName)
        return details.inviterName.map { "\($0) invited you \(place)." } ?? "You are invited \(place)."
    }

    func notALink() -> Response {
        responder.page(InvitationView.stopped("This link does not work",
                                              "This is not a working invitation link. Check that you copied all of it, or ask for a new invitation."),
                       status: .notFound)
    }

    func stopped(_ state: Invitation.State) -> Response {
        let (heading, problem): (String, String) = switch state {
        case .accepted: ("Invitation already accepted", "This invitation was accepted and cannot be used again. Sign in to continue.")
        case .expired: ("Invitation expired", "This invitation has expired. Ask the person who invited you for a new one.")
        case .revoked: ("Invitation withdrawn", "This invitation was withdrawn by the people who sent it.")
        case .replaced: ("Invitation replaced", "A newer invitation was sent to you; use the link in the latest email.")
        case .pending: ("Invitation", "This invitation can still be accepted.")
        }
        return responder.page(InvitationView.stopped(heading, problem), status: .gone)
    }
}

extension InvitationView {
    /// The page of a link that no longer works.
    static func stopped(_ heading: String, _ problem: String) -> InvitationView {
        InvitationView(heading: heading, summary: nil, problem: problem, email: nil, expires: nil, newAccount: nil, accept: nil,
                       signInURL: nil, otherAccount: nil)
    }
}
