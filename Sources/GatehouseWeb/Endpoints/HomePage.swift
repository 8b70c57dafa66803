import Hummingbird

/// `/` (who is signed in) and the stylesheet.
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
                guard let session = try await dependencies.browserSessions.find(cookie: request.cookies[BrowserCookies.session]?.value),
                      let user = try await dependencies.users.find(id: session.userID) else {
                    return Responses.seeOther("/login")
                }
                return responder.page(SignedInView(email: user.email))
            } catch {
                return responder.failure(error)
            }
        }
    }
}
