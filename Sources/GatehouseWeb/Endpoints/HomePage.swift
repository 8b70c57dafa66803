import Hummingbird

/// `/` (the account page when signed in, else the login page) and the stylesheet.
struct HomePage {
    let dependencies: WebDependencies
    let responder: PageResponder

    func register(on router: Router<GatehouseRequestContext>) {
        let stylesheet = dependencies.pages.stylesheet
        router.get("/static/gatehouse.css") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "public, max-age=3600"],
                     body: .init(byteBuffer: .init(string: stylesheet)))
        }
        router.get("/") { request, _ in
            do {
                let session = try await dependencies.browserSessions.find(cookie: dependencies.cookie(BrowserCookies.session, in: request))
                return Responses.seeOther(session == nil ? "/login" : "/account")
            } catch {
                return responder.failure(error)
            }
        }
    }
}
