import GatehouseCore
import Logging

/// Every `interval`, what bulk jobs must not keep: the password hashes of import dry runs that
/// can no longer be confirmed (`ImportJobs.forgetStaleSecrets`: a hash from another provider is
/// kept only while it may still be imported), and the jobs that finished more than
/// `BulkJobs.retention` ago (`BulkJobs.purgeFinished`). Several instances may sweep at once.
enum BulkJobSweepService {
    static func every(_ interval: Duration, jobs: any BulkJobStore, clock: any Clock, logger: Logger) -> PeriodicService {
        PeriodicService(interval: interval) {
            do {
                let forgotten = try await ImportJobs.forgetStaleSecrets(jobs, now: clock.now)
                if forgotten > 0 { logger.info("dropped the password hashes of dry runs too old to confirm", metadata: ["rows": "\(forgotten)"]) }
            } catch {
                logger.error("could not drop the password hashes of old dry runs; trying again later", metadata: ["error": "\(error)"])
            }
            do {
                let purged = try await BulkJobs.purgeFinished(jobs, now: clock.now)
                if purged > 0 { logger.info("deleted bulk jobs past their retention", metadata: ["jobs": "\(purged)"]) }
            } catch {
                logger.error("could not delete old bulk jobs; trying again later", metadata: ["error": "\(error)"])
            }
        }
    }
}
