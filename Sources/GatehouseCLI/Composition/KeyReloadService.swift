import Foundation
import GatehouseCrypto
import Logging
import ServiceLifecycle

/// Re-reads the key directory every `interval`, so a key added by `gatehouse keys generate`
/// is published without a restart and starts signing after the publish delay on every
/// instance at once (they all read the same directory and the same clock).
struct KeyReloadService: Service {
    let signer: RotatingSigner
    let interval: Duration
    let logger: Logger

    func run() async throws {
        while !(Task.isCancelled || Task.isShuttingDownGracefully) {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            guard !(Task.isCancelled || Task.isShuttingDownGracefully) else { return }
            do {
                if let kid = try await signer.reloadOffLoop(now: Date()) {
                    logger.notice("signing keys changed", metadata: ["signing_kid": "\(kid)", "published": "\(signer.keyIDs)"])
                }
            } catch {
                logger.error("could not re-read the signing keys; the current ones stay in use", metadata: ["error": "\(error)"])
            }
        }
    }
}
