import NIOConcurrencyHelpers

/// Wakes the delivery service the moment this instance enqueues a mail, so a verification code
/// leaves in milliseconds rather than at the next poll. A signal fired while nobody waits is
/// kept (one is enough), so a wake-up between two rounds is never lost.
public final class WakeSignal: Sendable {
    private struct State {
        var pending = false
        var waiter: (id: UInt64, continuation: CheckedContinuation<Void, Never>)?
        var nextID: UInt64 = 0
        /// A wait whose timer or cancellation came before it started waiting.
        var abandonedID: UInt64?
    }

    private let state = NIOLockedValueBox(State())

    public init() {}

    /// Wakes the waiter, or the next `wait` if nobody waits now.
    public func fire() {
        let waiter = state.withLockedValue { state -> CheckedContinuation<Void, Never>? in
            guard let waiter = state.waiter else {
                state.pending = true
                return nil
            }
            state.waiter = nil
            return waiter.continuation
        }
        waiter?.resume()
    }

    /// Returns when fired, after `timeout`, or when the task is cancelled, whichever is first.
    /// Meant for one waiter at a time (the service's loop).
    func wait(timeout: Duration) async {
        let id = state.withLockedValue { state -> UInt64? in
            if state.pending {
                state.pending = false
                return nil
            }
            state.nextID += 1
            return state.nextID
        }
        guard let id, !Task.isCancelled else { return }
        let timer = Task { [weak self] in
            try? await Task.sleep(for: timeout)
            self?.resume(id)
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let resumeNow = state.withLockedValue { state -> Bool in
                    if state.pending || state.abandonedID == id || Task.isCancelled {
                        state.pending = false
                        return true
                    }
                    state.waiter = (id, continuation)
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            resume(id)
        }
        timer.cancel()
    }

    /// Resumes waiter `id` if it is still waiting (the timer, cancellation and `fire` race).
    private func resume(_ id: UInt64) {
        let waiter = state.withLockedValue { state -> CheckedContinuation<Void, Never>? in
            guard let waiter = state.waiter, waiter.id == id else {
                state.abandonedID = id
                return nil
            }
            state.waiter = nil
            return waiter.continuation
        }
        waiter?.resume()
    }
}
