import Foundation
import GatehouseCore
import Logging
import ServiceLifecycle

/// Marks invitations whose time ran out as expired every `interval` (`Invitations.expireDue`),
/// which audits each once and announces `invitation.expired` to its inviter on `/events`. Several
/// instances may sweep at once: each invitation expires (and is announced) once.
struct InvitationSweepService: Service {
    let invitations: Invitations
    let interval: Duration
    let logger: Logger

    func run() async throws {
        while !(Task.isCancelled || Task.isShuttingDownGracefully) {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            guard !(Task.isCancelled || Task.isShuttingDownGracefully) else { return }
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
