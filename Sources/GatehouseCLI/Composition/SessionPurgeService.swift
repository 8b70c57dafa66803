import GatehouseCore
import Logging

/// Deletes ended browser sessions every `interval` (`BrowserSessions.purgeEnded`), so the table
/// holds the sessions people have, not every sign-in since the first.
enum SessionPurgeService {
    static func every(_ interval: Duration, sessions: BrowserSessions, logger: Logger) -> PeriodicService {
        PeriodicService(interval: interval) {
            do {
                let purged = try await sessions.purgeEnded()
                if purged > 0 { logger.info("deleted ended browser sessions", metadata: ["sessions": "\(purged)"]) }
            } catch {
                logger.error("could not delete ended browser sessions; trying again later", metadata: ["error": "\(error)"])
            }
        }
    }
}
