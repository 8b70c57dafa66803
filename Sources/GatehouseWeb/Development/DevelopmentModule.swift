import GatehouseCore
import Hummingbird

/// The development-mode pages (DESIGN.md): the demo relying party (`/dev/demo/…`) and the
/// mailbox (`/dev/mailbox`). `GatehouseModules` adds this module only in development mode, and
/// the mailbox only when a `MailboxReader` was given, so no production deployment has either.
struct DevelopmentModule: WebModule {
    struct Dependencies: Sendable {
        let pages: PagePipeline
        let issuer: String
        /// The demo app's client id (`WebSettings.demoClientID`).
        let demoClientID: String
        let crypto: any CryptoPrimitives
        /// The demo redeems its code in-process, as a relying party would over HTTP.
        let grants: TokenGrants
        let userInfo: UserInfo
        let idTokenHints: IDTokenHintReader
        let verifier: any TokenVerifier
        /// Recent outbox mail; nil: no mailbox page.
        let mailbox: (any MailboxReader)?
    }

    let dependencies: Dependencies

    var routes: RouteCollection<GatehouseRequestContext> {
        let routes = PageRoutes(dependencies.pages)
        DemoPages(dependencies: dependencies).register(on: routes)
        if let mailbox = dependencies.mailbox {
            MailboxPage(reader: mailbox, responder: dependencies.pages.responder).register(on: routes)
        }
        return routes.collection
    }
}
