public import GatehouseCore
public import Logging
public import ServiceLifecycle

/// Runs the bulk job worker in `serve` until shutdown: `concurrency` loops in this process, each
/// claiming a small batch at a time; several processes may run it against one database
/// (`BulkJobStore.claim` never hands an item to two). On shutdown the loops stop after their
/// current item; whatever they had claimed and not applied is claimed again after its lease.
public struct BulkWorkerService: Service {
    let worker: BulkWorker
    let concurrency: Int
    let logger: Logger

    public init(worker: BulkWorker, concurrency: Int = 4, logger: Logger) {
        self.worker = worker
        self.concurrency = max(1, concurrency)
        self.logger = logger
    }

    public func run() async throws {
        let worker = self.worker, logger = self.logger
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                for _ in 0..<concurrency {
                    group.addTask {
                        await worker.run(idle: .seconds(1)) { error in
                            logger.error("bulk job worker: a batch failed", metadata: ["error": "\(String(reflecting: error))"])
                        }
                    }
                }
            }
        }
    }
}
