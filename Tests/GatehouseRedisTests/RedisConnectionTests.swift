import Foundation
@testable import GatehouseRedis
import Testing

/// The pool's connection handling (bounded, reconnecting) and the URL forms it accepts.
@Suite("RedisPool connections and URLs")
struct RedisConnectionTests {
    @Test("the pool reconnects after CLIENT KILL")
    func reconnectAfterKill() async throws {
        try await RedisTestSupport.withPool(maxConnections: 1) { pool async throws in
            guard case .integer(let before) = try await pool.command(["CLIENT", "ID"]) else {
                Issue.record("CLIENT ID did not answer an integer")
                return
            }
            try await RedisTestSupport.withPool(maxConnections: 1) { killer async throws in
                #expect(try await killer.command(["CLIENT", "KILL", "ID", String(before)]) == .integer(1))
            }
            #expect(try await pool.command(["PING"]) == .status("PONG"))
            let after = try await pool.command(["CLIENT", "ID"])
            #expect(after != .integer(before))
        }
    }

    @Test("at most maxConnections connections exist; callers beyond wait and all succeed")
    func bounded() async throws {
        let started = ContinuousClock.now
        let ids = try await RedisTestSupport.withPool(maxConnections: 2) { pool async throws in
            try await withThrowingTaskGroup(of: [RedisReply].self) { group in
                for _ in 0..<6 {
                    group.addTask {
                        // BLPOP on a key nobody fills holds its connection for 0.3 s.
                        try await pool.pipeline([["CLIENT", "ID"], ["BLPOP", RedisTestSupport.key("never"), "0.3"]])
                    }
                }
                var ids: Set<String> = []
                for try await replies in group {
                    #expect(replies.count == 2 && replies[1] == .null)
                    ids.insert("\(replies[0])")
                }
                return ids
            }
        }
        #expect(ids.count == 2)
        // Six 0.3 s waits over two connections need three rounds.
        #expect(ContinuousClock.now - started >= .milliseconds(850))
    }

    @Test("rediss:// is refused, saying hiredis 0.14 has no TLS and what to use instead")
    func tlsRefused() {
        let error = #expect(throws: RedisError.self) {
            try RedisPool(url: "rediss://:secret@redis.example.com:6380/0", maxConnections: 1, logger: RedisTestSupport.logger)
        }
        #expect(error?.message.contains("hiredis 0.14") == true)
        #expect(error?.message.contains("TLS") == true)
        #expect(error?.message.contains("unix socket") == true)
        #expect(error?.message.contains("secret") == false)
    }

    @Test("redis:// URLs: host, port, database, password, user, IPv6")
    func tcpURLs() throws {
        let plain = try RedisLocation(url: "redis://127.0.0.1:63790/0")
        #expect(fields(plain) == #"tcp(host: "127.0.0.1", port: 63790) user=- password=- db=0"#)
        let full = try RedisLocation(url: "redis://gatehouse:p%40ss:w@cache.internal:6380/4")
        #expect(fields(full) == #"tcp(host: "cache.internal", port: 6380) user=gatehouse password=p@ss:w db=4"#)
        #expect(full.description == "cache.internal:6380 db 4")
        let passwordOnly = try RedisLocation(url: "redis://:secret@localhost")
        #expect(fields(passwordOnly) == #"tcp(host: "localhost", port: 6379) user=- password=secret db=0"#)
        let ipv6 = try RedisLocation(url: "redis://[::1]:6390/")
        #expect(ipv6.address == .tcp(host: "::1", port: 6390))
        #expect(ipv6.description == "[::1]:6390 db 0")
    }

    @Test("unix:// URLs: absolute path, db and password parameters")
    func unixURLs() throws {
        let socket = try RedisLocation(url: "unix:///run/redis/redis.sock?db=2&password=s%26cret")
        #expect(fields(socket) == #"unix(path: "/run/redis/redis.sock") user=- password=s&cret db=2"#)
        #expect(try RedisLocation(url: "unix:///tmp/r.sock").database == 0)
    }

    @Test("malformed URLs are refused with a message")
    func badURLs() {
        for url in ["http://localhost:6379", "redis://", "redis://host:port/0", "redis://host:6379/x", "redis://host:70000",
                    "redis://password@host:6379", "unix://relative.sock", "unix:///tmp/r.sock?timeout=1",
                    "unix:///" + String(repeating: "x", count: 120)] {
            #expect(throws: RedisError.self, "\(url)") { try RedisLocation(url: url) }
        }
    }

    @Test("RedisReply.text reads bulk strings and statuses only")
    func replyText() {
        #expect(RedisReply.string(Array("héllo".utf8)).text == "héllo")
        #expect(RedisReply.status("OK").text == "OK")
        #expect(RedisReply.integer(1).text == nil)
        #expect(RedisReply.null.text == nil)
    }
}

/// The fields of an location, for comparing in one expectation.
private func fields(_ location: RedisLocation) -> String {
    "\(location.address) user=\(location.username ?? "-") password=\(location.password ?? "-") db=\(location.database)"
}
