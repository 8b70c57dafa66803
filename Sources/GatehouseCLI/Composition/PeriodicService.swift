import ServiceLifecycle

/// Runs `work` every `interval` until the server shuts down (the sleep ends at once on graceful
/// shutdown): the key reload, the session purge and the invitation sweep.
struct PeriodicService: Service {
    let interval: Duration
    let work: @Sendable () async -> Void

    func run() async throws {
        while !(Task.isCancelled || Task.isShuttingDownGracefully) {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            guard !(Task.isCancelled || Task.isShuttingDownGracefully) else { return }
            await work()
        }
    }
}
