import Foundation
import GatehouseCrypto
import Logging

/// Re-reads the key directory every `interval`, so a key added by `gatehouse keys generate`
/// is published without a restart and starts signing after the publish delay on every
/// instance at once (they all read the same directory and the same clock).
enum KeyReloadService {
    static func every(_ interval: Duration, signer: RotatingSigner, logger: Logger) -> PeriodicService {
        PeriodicService(interval: interval) {
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
