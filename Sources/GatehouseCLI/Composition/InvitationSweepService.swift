import GatehouseCore
import Logging

/// Marks invitations whose time ran out as expired every `interval` (`Invitations.expireDue`),
/// which audits each once and announces `invitation.expired` to its inviter on `/events`. Several
/// instances may sweep at once: each invitation expires (and is announced) once.
enum InvitationSweepService {
    static func every(_ interval: Duration, invitations: Invitations, logger: Logger) -> PeriodicService {
        PeriodicService(interval: interval) {
            do {
                var swept: [Invitation]
                repeat {
                    swept = try await invitations.expireDue()
                    if !swept.isEmpty { logger.info("invitations expired", metadata: ["invitations": "\(swept.count)"]) }
                } while swept.count == 500 && !Task.isCancelled
            } catch {
                logger.error("could not expire invitations; trying again later", metadata: ["error": "\(error)"])
            }
        }
    }
}
