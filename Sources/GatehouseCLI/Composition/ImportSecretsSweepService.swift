import GatehouseCore
import Logging

/// Drops the password hashes kept in import dry runs that can no longer be confirmed, every
/// `interval` (`ImportJobs.forgetStaleSecrets`): a hash from another provider is kept only while
/// it may still be imported. Several instances may sweep at once.
enum ImportSecretsSweepService {
    static func every(_ interval: Duration, jobs: any BulkJobStore, clock: any Clock, logger: Logger) -> PeriodicService {
        PeriodicService(interval: interval) {
            do {
                let forgotten = try await ImportJobs.forgetStaleSecrets(jobs, now: clock.now)
                if forgotten > 0 { logger.info("dropped the password hashes of dry runs too old to confirm", metadata: ["rows": "\(forgotten)"]) }
            } catch {
                logger.error("could not drop the password hashes of old dry runs; trying again later", metadata: ["error": "\(error)"])
            }
        }
    }
}
