import NIOConcurrencyHelpers

/// The bounded part of a connection pool: hands out at most `capacity` connections and makes
/// callers beyond that wait, first come first served, by suspending (never by blocking a thread,
/// which on Swift's cooperative pool of one thread per core would stall the whole server).
///
/// It knows nothing about PostgreSQL or Redis: connections are created lazily by
/// `makeConnection`, returned with `release`, and health-checked by the pool on its own
/// threads. Both pools share this one type.
public final class ConnectionLeases<Connection: AnyObject & Sendable>: Sendable {
    private struct Waiter {
        let id: Int
        let continuation: CheckedContinuation<Connection, any Error>
    }

    private enum ReleaseOutcome { case kept, handOver(Waiter), closeIt }

    private struct State {
        var idle: [Connection] = []
        var created = 0
        var waiters: [Waiter] = []
        var nextWaiterID = 0
        var isClosed = false
    }

    public let capacity: Int
    private let makeConnection: @Sendable () -> Connection
    private let closedError: any Error
    private let state = NIOLockedValueBox(State())

    public init(capacity: Int, closedError: any Error, makeConnection: @escaping @Sendable () -> Connection) {
        precondition(capacity > 0, "a pool needs at least one connection")
        self.capacity = capacity
        self.closedError = closedError
        self.makeConnection = makeConnection
    }

    /// An idle connection, a new one if fewer than `capacity` exist, or the next one released.
    public func acquire() async throws -> Connection {
        let id = state.withLockedValue { state in
            defer { state.nextWaiterID += 1 }
            return state.nextWaiterID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Connection, any Error>) in
                let immediate: Result<Connection, any Error>? = state.withLockedValue { state in
                    if state.isClosed { return .failure(closedError) }
                    if Task.isCancelled { return .failure(CancellationError()) }
                    if let connection = state.idle.popLast() { return .success(connection) }
                    if state.created < capacity {
                        state.created += 1
                        return .success(makeConnection())
                    }
                    state.waiters.append(Waiter(id: id, continuation: continuation))
                    return nil
                }
                if let immediate { continuation.resume(with: immediate) }
            }
        } onCancel: {
            let waiter = state.withLockedValue { state in
                state.waiters.firstIndex { $0.id == id }.map { state.waiters.remove(at: $0) }
            }
            waiter?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Gives a connection back: to the longest waiter, else to the idle list. Returns true when
    /// the pool is closed and the caller must close the connection instead.
    public func release(_ connection: Connection) -> Bool {
        let outcome: ReleaseOutcome = state.withLockedValue { state in
            if state.isClosed { return .closeIt }
            if state.waiters.isEmpty {
                state.idle.append(connection)
                return .kept
            }
            return .handOver(state.waiters.removeFirst())
        }
        switch outcome {
        case .kept: return false
        case .closeIt: return true
        case .handOver(let waiter):
            waiter.continuation.resume(returning: connection)
            return false
        }
    }

    /// Refuses further acquisitions, fails the waiters, and returns the idle connections for the
    /// caller to close; nil if it was already closed.
    public func close() -> [Connection]? {
        let taken: (idle: [Connection], waiters: [Waiter])? = state.withLockedValue { state in
            guard !state.isClosed else { return nil }
            state.isClosed = true
            defer { state.idle = []; state.waiters = [] }
            return (state.idle, state.waiters)
        }
        guard let taken else { return nil }
        for waiter in taken.waiters { waiter.continuation.resume(throwing: closedError) }
        return taken.idle
    }
}
