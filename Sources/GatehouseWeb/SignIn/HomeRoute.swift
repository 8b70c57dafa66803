import Hummingbird

/// `/`: the account page when signed in, else the login page.
struct HomeRoute {
    func register(on routes: PageRoutes) {
        routes.get("/") { page in
            Responses.seeOther(try await page.session() == nil ? "/login" : "/account")
        }
    }
}
