import Foundation
import GatehouseCore
import GatehouseTestingStack
import GatehouseWeb
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOPosix
import Testing

/// A raw TCP client for a live server: writes bytes as a slow or broken client would and sees
/// when the server closes the connection.
struct RawConnection {
    let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
    /// Taken before connecting: the server cannot have accepted the connection (and started its
    /// timers) earlier, so times measured from here are never shorter than the server's.
    let start: ContinuousClock.Instant

    static func open(port: Int) async throws -> RawConnection {
        let start = ContinuousClock.now
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "localhost", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return RawConnection(channel: channel, start: start)
    }

    /// Runs `body` with a writer, reading everything the server sends until it closes the
    /// connection; returns what was read and the seconds from connecting until the close, or nil
    /// for the seconds when the server still had not closed after `limit`. Writes the server
    /// refuses because it closed already end `body` quietly.
    func run(limit: Duration, _ body: @escaping @Sendable (NIOAsyncChannelOutboundWriter<ByteBuffer>) async throws -> Void)
        async throws -> (received: String, closedAfter: Double?) {
        let start = self.start
        return try await channel.executeThenClose { inbound, outbound in
            try await withThrowingTaskGroup(of: (String, Double?)?.self) { group in
                group.addTask {
                    var received = ""
                    do {
                        for try await chunk in inbound { received += String(buffer: chunk) }
                    } catch {
                        // A reset counts as closed too.
                    }
                    let elapsed = ContinuousClock.now - start
                    return (received, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
                }
                group.addTask {
                    do {
                        try await body(outbound)
                    } catch {
                        // The server closed the connection under the writer (or the test ended).
                    }
                    return nil
                }
                group.addTask {
                    try await Task.sleep(for: limit)
                    return ("", nil)
                }
                while let next = try await group.next() {
                    guard let result = next else { continue }
                    group.cancelAll()
                    return result
                }
                return ("", nil)
            }
        }
    }
}

/// Runs `body` against a live Gatehouse server (a real socket on localhost) with these timeouts.
func withLiveServer(_ timeouts: HTTPServerTimeouts, _ body: @escaping @Sendable (Int) async throws -> Void) async throws {
    let provider = try await TestProvider()
    let app = Application(router: GatehouseApplication.router(provider.dependencies),
                          server: GatehouseApplication.server(timeouts: timeouts))
    try await app.test(.live) { client in
        try await body(try #require(client.port))
    }
}

/// Slow clients cannot hold connections forever: the idle timeout closes a connection without a
/// complete request head (kept alive, or a head trickled in), the body timeout one whose body does
/// not arrive in time (`HTTPServerTimeouts`, GATEHOUSE_HTTP_IDLE_TIMEOUT / _BODY_TIMEOUT).
@Suite("HTTP server timeouts against slow clients")
struct HTTPServerTimeoutTests {
    static func bytes(_ text: String) -> ByteBuffer { ByteBuffer(string: text) }

    @Test("half a request line, then silence: the connection is closed after the idle timeout")
    func halfRequestLine() async throws {
        try await withLiveServer(HTTPServerTimeouts(idle: .seconds(1), body: .seconds(30))) { port in
            let connection = try await RawConnection.open(port: port)
            let (received, closedAfter) = try await connection.run(limit: .seconds(10)) { writer in
                try await writer.write(Self.bytes("GET /heal"))
            }
            let seconds = try #require(closedAfter, "still open after 10 s")
            #expect(seconds >= 0.9 && seconds < 5, "closed after \(seconds) s")
            #expect(received.isEmpty, "no answer to half a request: \(received)")
        }
    }

    @Test("a head trickled in a line at a time is cut off at the idle timeout all the same (slowloris)")
    func trickledHead() async throws {
        try await withLiveServer(HTTPServerTimeouts(idle: .seconds(1), body: .seconds(30))) { port in
            let connection = try await RawConnection.open(port: port)
            let (_, closedAfter) = try await connection.run(limit: .seconds(10)) { writer in
                try await writer.write(Self.bytes("GET /health/live HTTP/1.1\r\nHost: localhost\r\n"))
                for index in 0..<40 {
                    try await Task.sleep(for: .milliseconds(200))
                    try await writer.write(Self.bytes("X-Filler-\(index): x\r\n"))
                }
            }
            let seconds = try #require(closedAfter, "still open after 10 s")
            #expect(seconds >= 0.9 && seconds < 5, "closed after \(seconds) s")
        }
    }

    @Test("a body trickled in a byte at a time is cut off at the body timeout")
    func trickledBody() async throws {
        try await withLiveServer(HTTPServerTimeouts(idle: .seconds(30), body: .seconds(1))) { port in
            let connection = try await RawConnection.open(port: port)
            let (_, closedAfter) = try await connection.run(limit: .seconds(10)) { writer in
                try await writer.write(Self.bytes(
                    "POST /token HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 200\r\n\r\n"))
                for _ in 0..<100 {
                    try await Task.sleep(for: .milliseconds(100))
                    try await writer.write(Self.bytes("a"))
                }
            }
            let seconds = try #require(closedAfter, "still open after 10 s")
            #expect(seconds >= 0.9 && seconds < 5, "closed after \(seconds) s")
        }
    }

    @Test("complete requests are answered, and a kept-alive connection outlives the body timeout between them")
    func promptClientsAreServed() async throws {
        try await withLiveServer(HTTPServerTimeouts(idle: .seconds(5), body: .seconds(1))) { port in
            let connection = try await RawConnection.open(port: port)
            let (received, closedAfter) = try await connection.run(limit: .seconds(10)) { writer in
                try await writer.write(Self.bytes(
                    "POST /token HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 18\r\n\r\ngrant_type=unknown"))
                try await Task.sleep(for: .milliseconds(1500))
                try await writer.write(Self.bytes("GET /health/live HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"))
                try await Task.sleep(for: .seconds(20))
            }
            let seconds = try #require(closedAfter, "not closed after the Connection: close request")
            #expect(seconds >= 1.4, "closed after \(seconds) s, before the second request was sent")
            #expect(received.components(separatedBy: "HTTP/1.1 ").count == 3, "two answers: \(received)")
            let last = try #require(received.range(of: "HTTP/1.1 ", options: .backwards))
            #expect(received[last.lowerBound...].hasPrefix("HTTP/1.1 200 OK\r\n") && received.hasSuffix("\r\n\r\nok"),
                    "the second request, 1.5 s later on the same connection: \(received)")
        }
    }
}
