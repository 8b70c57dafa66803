import GatehouseCore
import Hummingbird

/// What a person whose account is not active reads after giving the right password (never
/// before: the page must not tell a guesser which accounts exist). One wording for every way in:
/// the sign-in form, an invitation accepted into an existing account, a reset password.
enum AccountClosedWords {
    static func title(_ status: AccountStatus) -> String {
        switch status {
        case .active: "Signed in"
        case .suspended: "This account is suspended"
        case .deactivated: "This account is deactivated"
        }
    }

    static func message(_ status: AccountStatus) -> String {
        switch status {
        case .active: "Your account is active."
        case .suspended:
            "An administrator suspended this account, so it cannot sign in. Ask your administrator (or whoever gave you access) to reactivate it."
        case .deactivated:
            "This account was closed, so it cannot sign in. An administrator can reactivate it: ask yours (or whoever gave you access)."
        }
    }
}

/// The page those words go on (403): not the generic error page, whose advice is to sign in again.
struct AccountClosedView: PageView {
    static let template = "account_closed"
    let status: AccountStatus

    var templateValues: TemplateValues {
        ["title": .text(AccountClosedWords.title(status)), "message": .text(AccountClosedWords.message(status))]
    }

    static let sample = AccountClosedView(status: .suspended)
}

extension PageResponder {
    func accountClosed(_ status: AccountStatus) -> Response {
        page(AccountClosedView(status: status), status: .forbidden)
    }
}
