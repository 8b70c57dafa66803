public import Hummingbird
import Logging

/// Builds Gatehouse's HTTP router: middleware, then every endpoint and page.
public enum GatehouseApplication {
    public static func router(_ dependencies: WebDependencies) -> Router<GatehouseRequestContext> {
        let router = Router(context: GatehouseRequestContext.self)
        router.add(middleware: ClientAddressMiddleware(resolver: dependencies.protection.clientAddresses))
        router.add(middleware: SecurityHeadersMiddleware(crypto: dependencies.crypto, https: dependencies.secureCookies))
        router.add(middleware: APICORSMiddleware())
        router.add(middleware: MetricsMiddleware())
        router.add(middleware: AuditRequestMiddleware())
        let responder = PageResponder(pages: dependencies.pages, logger: dependencies.logger)

        MetadataEndpoints(dependencies: dependencies).register(on: router)
        HealthEndpoints(dependencies: dependencies).register(on: router)
        AuthorizeEndpoint(dependencies: dependencies, responder: responder).register(on: router)
        LoginPage(dependencies: dependencies, responder: responder).register(on: router)
        ConsentPage(dependencies: dependencies, responder: responder).register(on: router)
        TokenRoute(dependencies: dependencies).register(on: router)
        UserInfoRoute(dependencies: dependencies).register(on: router)
        RevocationRoute(dependencies: dependencies).register(on: router)
        IntrospectionRoute(dependencies: dependencies).register(on: router)
        LogoutEndpoint(dependencies: dependencies, responder: responder).register(on: router)
        HomePage(dependencies: dependencies, responder: responder).register(on: router)
        RegistrationPage(dependencies: dependencies, responder: responder).register(on: router)
        EmailVerificationPage(dependencies: dependencies, responder: responder).register(on: router)
        PasswordResetPages(dependencies: dependencies, responder: responder).register(on: router)
        AccountPage(dependencies: dependencies, responder: responder).register(on: router)
        MFAPage(dependencies: dependencies, responder: responder).register(on: router)
        MFAEnrolmentPage(dependencies: dependencies, responder: responder).register(on: router)
        MFAEmailEnrolment(dependencies: dependencies, responder: responder).register(on: router)
        if dependencies.web.developmentMode {
            DevDemo(dependencies: dependencies, responder: responder).register(on: router)
            if let mailbox = dependencies.mailbox {
                DevMailbox(reader: mailbox, responder: responder).register(on: router)
            }
        }
        return router
    }
}
