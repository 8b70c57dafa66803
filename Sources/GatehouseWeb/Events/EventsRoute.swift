import Foundation
import GatehouseCore
import HTTPTypes
import Hummingbird
import NIOCore
import ServiceLifecycle

/// `GET /events` (issue 10 item 5): a `text/event-stream` of the live events that concern the
/// caller — `invitation.accepted`, `invitation.revoked`, `invitation.expired` — authenticated by
/// the browser's session or a bearer access token. `Last-Event-ID` resumes after an event from the
/// last 10 minutes (the bus keeps 15). Who hears an event is decided per event by Core's rule
/// (`LiveEventAudience.reaches`), with the watcher's platform role read from the database at most
/// every five seconds (`WatcherRole`); every heartbeat checks that the session or token still holds,
/// and a stream ends after `maxDuration` (the browser reconnects, resuming where it was).
struct EventsRoute {
    let dependencies: EventsModule.Dependencies

    static let lastEventID = HTTPField.Name("Last-Event-ID")!
    /// A stream is ended (and reopened by the browser) after this long, so no connection lives
    /// forever on one check of its credentials, and a draining instance sheds its watchers.
    static let maxDuration: Duration = .seconds(30 * 60)

    func register(on collection: RouteCollection<GatehouseRequestContext>) {
        collection.get("/events") { request, context in
            do {
                return try await open(request)
            } catch {
                return OAuthErrorResponse.bearerResponse(for: error, logger: context.logger)
            }
        }
    }

    /// Who is watching, and how to tell that they still may.
    struct Watcher: Sendable {
        let userID: UUID
        let stillSignedIn: @Sendable () async -> Bool
    }

    func open(_ request: Request) async throws -> Response {
        guard let watcher = try await watcher(for: request) else { return OAuthErrorResponse.bearerChallenge() }
        // A value we did not write is no resume point: the stream starts from now.
        let resumeAfter = request.headers[Self.lastEventID].flatMap(LiveEventID.init)
        let (watchID, deliveries, end) = try await dependencies.hub.watch()
        var headers = HTTPFields()
        headers[.contentType] = ServerSentEvents.contentType
        headers[.cacheControl] = "no-store"
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            let deadline = ContinuousClock.now + Self.maxDuration
            var role = WatcherRole()
            do {
                try await writer.write(ByteBuffer(string: ServerSentEvents.opening))
                var replayedUpTo = LiveEventID.start
                if let resumeAfter {
                    replayedUpTo = try await replay(after: resumeAfter, to: watcher, role: &role, writer: &writer)
                }
                // A server shutting down ends its streams at once (browsers reconnect to another
                // instance and resume), instead of waiting out each one.
                try await withGracefulShutdownHandler {
                    watching: for await delivery in deliveries {
                        switch delivery {
                        case .event(let event):
                            // The replay already sent what the bus held when this stream opened.
                            guard let id = event.id.flatMap(LiveEventID.init), id > replayedUpTo else { continue }
                            if try await reaches(event, watcher, role: &role) { try await writer.write(ByteBuffer(string: ServerSentEvents.frame(event))) }
                        case .heartbeat:
                            guard ContinuousClock.now < deadline, await watcher.stillSignedIn() else { break watching }
                            try await writer.write(ByteBuffer(string: ServerSentEvents.heartbeat))
                        }
                    }
                } onGracefulShutdown: {
                    end()
                }
            } catch {
                // The client went away (the write failed) or the bus failed: the stream ends.
            }
            await dependencies.hub.stop(watchID)
            try? await writer.finish(nil)
        })
    }

    /// Sends the events after `id` that the bus still holds; returns the last id read.
    func replay(after id: LiveEventID, to watcher: Watcher, role: inout WatcherRole,
                writer: inout any ResponseBodyWriter) async throws -> LiveEventID {
        var after = id
        while true {
            let batch = try await dependencies.bus.events(after: after, limit: 100)
            for event in batch {
                if let read = event.id.flatMap(LiveEventID.init) { after = max(after, read) }
                if try await reaches(event, watcher, role: &role) { try await writer.write(ByteBuffer(string: ServerSentEvents.frame(event))) }
            }
            if batch.count < 100 { return after }
        }
    }

    /// The rule is Core's; the watcher's platform role is the database's of the last five seconds.
    func reaches(_ event: LiveEvent, _ watcher: Watcher, role: inout WatcherRole) async throws -> Bool {
        if event.audience.userID == watcher.userID { return true }
        guard event.audience.platformRole != nil else { return false }
        let memberships = dependencies.memberships
        let platformRole = try await role.current { try await memberships.platformRole(userID: watcher.userID) }
        return event.audience.reaches(Principal(userID: watcher.userID, roles: RoleRules.Actor(platformRole: platformRole)))
    }

    /// A bearer token (a user's access token) when the request has an Authorization header, else
    /// the browser's session; nil when it has neither.
    func watcher(for request: Request) async throws -> Watcher? {
        if let header = request.headers[.authorization] {
            let token = try BearerAuthorization.requiredToken(header)
            let userID = try await dependencies.bearer.validate(token).userID()
            let bearer = dependencies.bearer
            return Watcher(userID: userID, stillSignedIn: { (try? await bearer.validate(token)) != nil })
        }
        let cookie = dependencies.cookies.value(BrowserCookies.session, in: request)
        guard let session = try await dependencies.sessions.find(cookie: cookie) else { return nil }
        let sessions = dependencies.sessions
        return Watcher(userID: session.userID, stillSignedIn: { (try? await sessions.find(cookie: cookie)) != nil })
    }
}
