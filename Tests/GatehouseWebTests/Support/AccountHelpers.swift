import Foundation
import GatehouseCore
import GatehouseTestingStack
import HummingbirdTesting
import Testing

/// Steps a person takes on the account pages, driven through the router.
extension TestBrowser {
    /// Fills in the registration form (GET then POST), returning the POST's response.
    func register(email: String, password: String, name: String = "Grace Hopper", requestID: String? = nil,
                  extra: [(String, String)] = []) async throws -> TestResponse {
        let page = try await get("/register" + (requestID.map { "?request=\($0)" } ?? ""))
        var form = [("csrf_token", page.hiddenField("csrf_token") ?? ""), ("name", name), ("email", email), ("password", password)]
        if let requestID { form.append(("request", requestID)) }
        return try await post("/register", form: form + extra)
    }

    /// Types `code` on the verification page the response redirected to.
    func enterCode(_ code: String, after redirect: TestResponse) async throws -> TestResponse {
        let location = try #require(redirect.location)
        let page = try await get(location)
        return try await post("/verify-email", form: [("csrf_token", page.hiddenField("csrf_token") ?? ""),
                                                      ("ticket", page.hiddenField("ticket") ?? ""), ("code", code)])
    }

    func signInDirectly(_ email: String, _ password: String) async throws -> TestResponse {
        let page = try await get("/login")
        return try await post("/login", form: [("csrf_token", page.hiddenField("csrf_token") ?? ""), ("email", email), ("password", password)])
    }

    /// POSTs an account-page form with this browser's CSRF token.
    func accountAction(_ path: String, _ form: [(String, String)]) async throws -> TestResponse {
        let page = try await get("/account")
        return try await post(path, form: [("csrf_token", page.hiddenField("csrf_token") ?? "")] + form)
    }
}

extension TestProvider {
    /// The 6-digit code in the newest mail to `address`.
    func code(sentTo address: String) async throws -> String {
        let mail = try #require(try await lastMail(to: address), "no mail to \(address)")
        let match = try #require(mail.text.range(of: #"\b\d{6}\b"#, options: .regularExpression), "no code in: \(mail.text)")
        return String(mail.text[match])
    }

    /// The first URL in the newest mail to `address` that starts with `prefix`.
    /// Waits up to 3 s for it: some links (the reset link) are mailed after the page answers.
    func link(sentTo address: String, prefix: String) async throws -> String {
        var mail = try await lastMail(to: address)
        for _ in 0..<60 where mail?.text.contains(TestProvider.issuer + prefix) != true {
            try await Task.sleep(for: .milliseconds(50))
            mail = try await lastMail(to: address)
        }
        let found = try #require(mail, "no mail to \(address)")
        let start = try #require(found.text.range(of: TestProvider.issuer + prefix), "no \(prefix) link in: \(found.text)")
        let url = found.text[start.lowerBound...].prefix { !$0.isWhitespace }
        return String(url)
    }

    func uniqueEmail() -> String { "person-\(crypto.randomToken(byteCount: 8).lowercased())@example.test" }
}

let strongPassword = "plum tractor wisdom 42"
