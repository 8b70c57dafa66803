import Foundation
import NIOCore
import NIOPosix

/// Reads `GET /events` from a live server over a raw socket, as a browser's EventSource would:
/// HummingbirdTesting's clients wait for a whole response, and an event stream never ends.
struct EventStreamClient {
    let port: Int
    /// Extra request header lines (`Cookie: …`, `Last-Event-ID: …`).
    let headers: [String]

    /// Opens the stream; once the server has answered (the `retry:` line arrived) runs `opened`,
    /// then reads until `done` holds for what arrived or `limit` passes. Returns what arrived and
    /// when `done` first held, measured from the end of `opened` (nil when it never did).
    func read(limit: Duration, opened: @escaping @Sendable () async throws -> Void = {},
              until done: @escaping @Sendable (String) -> Bool) async throws -> (text: String, after: Duration?) {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel) }
            }
        let request = (["GET /events HTTP/1.1", "Host: 127.0.0.1", "Accept: text/event-stream"] + headers).joined(separator: "\r\n") + "\r\n\r\n"
        return try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(ByteBuffer(string: request))
            return try await withThrowingTaskGroup(of: (String, Duration?).self) { group in
                group.addTask {
                    var text = ""
                    var openedAt: ContinuousClock.Instant?
                    for try await chunk in inbound {
                        text += String(buffer: chunk)
                        if openedAt == nil, text.contains("retry: ") {
                            try await opened()
                            openedAt = .now
                        }
                        if let openedAt, done(text) { return (text, .now - openedAt) }
                    }
                    return (text, nil)
                }
                group.addTask {
                    try await Task.sleep(for: limit)
                    return ("", nil)
                }
                let first = try await group.next() ?? ("", nil)
                group.cancelAll()
                return first
            }
        }
    }
}
