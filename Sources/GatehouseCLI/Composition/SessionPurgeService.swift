import Foundation
import GatehouseCore
import Logging
import ServiceLifecycle

/// Deletes ended browser sessions every `interval` (`BrowserSessions.purgeEnded`), so the table
/// holds the sessions people have, not every sign-in since the first.
struct SessionPurgeService: Service {
    let sessions: BrowserSessions
    let interval: Duration
    let logger: Logger

    func run() async throws {
        while !(Task.isCancelled || Task.isShuttingDownGracefully) {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            guard !(Task.isCancelled || Task.isShuttingDownGracefully) else { return }
            do {
                let purged = try await sessions.purgeEnded()
                if purged > 0 { logger.info("deleted ended browser sessions", metadata: ["sessions": "\(purged)"]) }
            } catch {
                logger.error("could not delete ended browser sessions; trying again later", metadata: ["error": "\(error)"])
            }
        }
    }
}
