import GatehouseCore
import Hummingbird

/// The signed-in user's own data and the end of their account (issue 11 item 3): download
/// everything stored about them (`GET /account/export`), and deactivate or delete (erase) the
/// account on its own page (`/account/delete`), confirmed with the password and, when they have
/// one, a second factor. The same Core services as the API and the CLI (`UserLifecycle`,
/// `UserExporter`); the account page links here with one line.
struct AccountClosingModule: WebModule {
    struct Dependencies: Sendable {
        let pages: PagePipeline
        let lifecycle: UserLifecycle
        let exporter: UserExporter
        let currentPassword: CurrentPasswordCheck
        let factors: any MFACredentialStore
        let totp: TOTPFactor
        let recoveryCodes: RecoveryCodes
        let attempts: AttemptLimiter
        let audit: RequestAuditLog
        let serviceName: String
    }

    let dependencies: Dependencies

    var routes: RouteCollection<GatehouseRequestContext> {
        let routes = PageRoutes(dependencies.pages)
        AccountClosingPage(dependencies: dependencies).register(on: routes)
        return routes.collection
    }
}
