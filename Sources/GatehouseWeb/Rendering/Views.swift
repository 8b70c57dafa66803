import GatehouseCore

/// View models of the sign-in pages. Each names its template and writes out every key the
/// template may use (`templateValues`); `PageRenderer` escapes every text.

/// The sign-in form, for a client's authorization request or on its own.
struct LoginView: PageView {
    static let template = "login"
    let csrfToken: String
    let requestID: String?
    let clientName: String?
    let email: String
    let error: String?
    let forgotURL: String
    /// Nil when registration is closed.
    let registerURL: String?

    var templateValues: TemplateValues {
        [
            "title": .text("Sign in"),
            "csrfToken": .text(csrfToken),
            "requestID": .text(requestID),
            "clientName": .text(clientName),
            "email": .text(email),
            "error": .text(error),
            "forgotURL": .text(forgotURL),
            "registerURL": .text(registerURL),
        ]
    }

    static let sample = LoginView(csrfToken: "csrf", requestID: "request-id", clientName: "Example App", email: "ada@example.test",
                                  error: "The email or password is not right.", forgotURL: "/forgot-password?request=request-id",
                                  registerURL: "/register?request=request-id")
}

/// "Allow access": the scopes a client asks for, in words.
struct ConsentView: PageView {
    static let template = "consent"
    let csrfToken: String
    let requestID: String
    let clientName: String
    let userEmail: String
    let scopes: [ScopeLine]

    struct ScopeLine: TemplateContent {
        let name: String
        let explanation: String

        var templateValues: TemplateValues {
            ["name": .text(name), "explanation": .text(explanation)]
        }
    }

    var templateValues: TemplateValues {
        [
            "title": .text("Allow access"),
            "csrfToken": .text(csrfToken),
            "requestID": .text(requestID),
            "clientName": .text(clientName),
            "userEmail": .text(userEmail),
            "scopes": .list(scopes),
            // The app asks for `offline_access`: the page says in a sentence of its own that the
            // app stays connected (OIDC Core §11: a refresh token only with the user's consent).
            "staysConnected": .flag(scopes.contains { $0.name == Scope.offlineAccess }),
        ]
    }

    static let sample = ConsentView(csrfToken: "csrf", requestID: "request-id", clientName: "Example App", userEmail: "ada@example.test",
                                    scopes: [ScopeLine(name: "openid", explanation: Scope.explanation("openid")),
                                             ScopeLine(name: Scope.offlineAccess, explanation: Scope.explanation(Scope.offlineAccess))])
}

/// An error shown instead of a redirect (an unknown client, a refused form, the unexpected).
struct ErrorView: PageView {
    static let template = "error"
    let title: String
    let message: String

    var templateValues: TemplateValues {
        ["title": .text(title), "message": .text(message)]
    }

    static let sample = ErrorView(title: "Invalid request", message: "The request is missing client_id.")
}

/// OAuth 2.0 Form Post Response Mode: the response as hidden fields posted to the client.
struct FormPostView: PageView {
    static let template = "form_post"
    let action: String
    let fields: [Field]

    struct Field: TemplateContent {
        let name: String
        let value: String

        var templateValues: TemplateValues {
            ["name": .text(name), "value": .text(value)]
        }
    }

    var templateValues: TemplateValues {
        ["title": .text("Returning to the application"), "action": .text(action), "fields": .list(fields)]
    }

    static let sample = FormPostView(action: "https://app.example.test/callback",
                                     fields: [Field(name: "code", value: "code-value"), Field(name: "state", value: "state-value")])
}

/// The end of the development demo sign-in: what the demo client received.
struct DemoResultView: PageView {
    static let template = "demo_result"
    let idTokenClaims: String
    let userInfo: String
    let accessTokenClaims: String

    var templateValues: TemplateValues {
        [
            "title": .text("Demo: signed in"),
            "idTokenClaims": .text(idTokenClaims),
            "userInfo": .text(userInfo),
            "accessTokenClaims": .text(accessTokenClaims),
        ]
    }

    static let sample = DemoResultView(idTokenClaims: #"{"sub": "user-id"}"#, userInfo: #"{"email": "ada@example.test"}"#,
                                       accessTokenClaims: #"{"scope": "openid"}"#)
}
