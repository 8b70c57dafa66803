import Foundation
import GatehouseCore
import Hummingbird

/// Where the current request came from, for audit events: set once per request by
/// `AuditRequestMiddleware` in a task-local, so a flow deep inside a page or a grant records
/// the IP and user agent without every function passing the request along.
struct AuditRequestInfo: Sendable {
    let ip: String?
    let userAgent: String?

    @TaskLocal static var current: AuditRequestInfo?
}

/// Puts the peer address (as `GatehouseRequestContext.clientIP` decides it) and the user agent
/// of each request into `AuditRequestInfo.current` while the request runs.
struct AuditRequestMiddleware: RouterMiddleware {
    typealias Context = GatehouseRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let info = AuditRequestInfo(ip: context.clientIP, userAgent: request.headers[.userAgent])
        return try await AuditRequestInfo.$current.withValue(info) {
            try await next(request, context)
        }
    }
}

/// The audit log the web layer hands to flows and grants: the real one, with each event's
/// missing IP and user agent filled in from the request being served.
struct RequestAuditLog: AuditLog {
    let base: any AuditLog
    let clock: any Clock

    func record(_ event: AuditEvent) async {
        var event = event
        if let info = AuditRequestInfo.current {
            event.ip = event.ip ?? info.ip
            event.userAgent = event.userAgent ?? info.userAgent
        }
        await base.record(event)
    }

    /// Records one security event now, with the request's IP and user agent.
    func record(_ type: AuditEventType, subject: UUID?, actor: String? = nil, clientID: String? = nil,
                details: [String: String] = [:]) async {
        await record(AuditEvent(type: type, occurredAt: clock.now, actor: actor ?? subject.map(AuditEvent.user),
                                subject: subject, clientID: clientID, details: details))
    }
}
