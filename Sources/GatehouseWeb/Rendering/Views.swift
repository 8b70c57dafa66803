import GatehouseCore

/// View models, one per page. Every value is escaped by `{{x}}` in the templates.
struct LoginView: PageView {
    let templateName = "login"
    let title = "Sign in"
    let csrfToken: String
    let requestID: String?
    let clientName: String?
    let email: String
    let error: String?
    let forgotURL: String
    /// Nil when registration is closed.
    let registerURL: String?
}

struct ConsentView: PageView {
    let templateName = "consent"
    let title = "Allow access"
    let csrfToken: String
    let requestID: String
    let clientName: String
    let userEmail: String
    let scopes: [ScopeLine]
    /// The app asks for `offline_access`: the page says in a sentence of its own that the app
    /// stays connected (OIDC Core §11: a refresh token only with the user's consent).
    let staysConnected: Bool

    init(csrfToken: String, requestID: String, clientName: String, userEmail: String, scopes: [ScopeLine]) {
        self.csrfToken = csrfToken
        self.requestID = requestID
        self.clientName = clientName
        self.userEmail = userEmail
        self.scopes = scopes
        staysConnected = scopes.contains { $0.name == Scope.offlineAccess }
    }

    struct ScopeLine {
        let name: String
        let explanation: String
    }
}

struct ErrorView: PageView {
    let templateName = "error"
    let title: String
    let message: String
}

/// OAuth 2.0 Form Post Response Mode: the response as hidden fields posted to the client.
struct FormPostView: PageView {
    let templateName = "form_post"
    let title = "Returning to the application"
    let action: String
    let fields: [Field]

    struct Field {
        let name: String
        let value: String
    }
}

struct DemoResultView: PageView {
    let templateName = "demo_result"
    let title = "Demo: signed in"
    let idTokenClaims: String
    let userInfo: String
    let accessTokenClaims: String
}
