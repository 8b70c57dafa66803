import Foundation
import GatehouseRedis
import Testing

/// Commands, replies and errors as the short-lived stores meet them.
@Suite("RedisPool commands")
struct RedisPoolTests {
    @Test("SET/GET is binary-safe for values and keys")
    func binarySafe() async throws {
        let value: [UInt8] = [0, 1, 0xFF, 0, 0x0D, 0x0A, 0xC3, 0x28] + Array("ünï".utf8)
        let key = Array(RedisTestSupport.key("binary").utf8) + [0, 0xFE]
        try await RedisTestSupport.withPool { pool async throws in
            let set = try await pool.command(bytes: [Array("SET".utf8), key, value, Array("EX".utf8), Array("60".utf8)])
            #expect(set == .status("OK"))
            #expect(try await pool.command(bytes: [Array("GET".utf8), key]) == .string(value))
            #expect(try await pool.command(bytes: [Array("STRLEN".utf8), key]) == .integer(value.count))
        }
    }

    @Test("empty values and missing keys are told apart")
    func emptyAndMissing() async throws {
        let key = RedisTestSupport.key("empty")
        try await RedisTestSupport.withPool { pool async throws in
            #expect(try await pool.command(["GET", key]) == .null)
            _ = try await pool.command(["SET", key, "", "EX", "60"])
            let reply = try await pool.command(["GET", key])
            #expect(reply == .string([]))
            #expect(reply.text == "")
        }
    }

    @Test("keys get their TTL; SET NX refuses a second writer")
    func ttlAndNX() async throws {
        let key = RedisTestSupport.key("code")
        try await RedisTestSupport.withPool { pool async throws in
            #expect(try await pool.command(["SET", key, "v", "EX", "60", "NX"]) == .status("OK"))
            #expect(try await pool.command(["SET", key, "w", "EX", "60", "NX"]) == .null)
            guard case .integer(let ttl) = try await pool.command(["TTL", key]) else {
                Issue.record("TTL did not answer an integer")
                return
            }
            // An expiry is set and is the one asked for; how much has run down depends on how
            // loaded the machine is (the whole suite runs in parallel on two cores).
            #expect((1...60).contains(ttl))
            #expect(try await pool.command(["GETDEL", key]).text == "v")
            #expect(try await pool.command(["TTL", key]) == .integer(-2))
        }
    }

    @Test("an error reply throws with the server's message; the pool keeps working")
    func errorReply() async throws {
        let key = RedisTestSupport.key("notanumber")
        try await RedisTestSupport.withPool(maxConnections: 1) { pool async throws in
            _ = try await pool.command(["SET", key, "abc", "EX", "60"])
            let error = await #expect(throws: RedisError.self) { try await pool.command(["INCR", key]) }
            #expect(error?.message.contains("not an integer") == true)
            #expect(error?.message.contains("INCR") == true)
            await #expect(throws: RedisError.self) { try await pool.command(["NOSUCHCOMMAND"]) }
            #expect(try await pool.command(["PING"]) == .status("PONG"))
        }
    }

    @Test("arrays and integers decode (EVAL returning a table)")
    func arrays() async throws {
        try await RedisTestSupport.withPool { pool async throws in
            let reply = try await pool.command(["EVAL", "return {1, 'two', {3}, false}", "0"])
            #expect(reply == .array([.integer(1), .string(Array("two".utf8)), .array([.integer(3)]), .null]))
        }
    }

    @Test("a pipeline sends all commands and returns every reply in order")
    func pipeline() async throws {
        let key = RedisTestSupport.key("pipeline")
        try await RedisTestSupport.withPool { pool async throws in
            let replies = try await pool.pipeline([["SET", key, "1", "EX", "60"], ["INCR", key], ["INCRBY", key, "40"], ["GET", key]])
            #expect(replies == [.status("OK"), .integer(2), .integer(42), .string(Array("42".utf8))])
            #expect(try await pool.pipeline([]) == [])
        }
    }

    @Test("an error inside a pipeline throws, and the connection stays in step")
    func pipelineError() async throws {
        let key = RedisTestSupport.key("pipeline-error")
        try await RedisTestSupport.withPool(maxConnections: 1) { pool async throws in
            let error = await #expect(throws: RedisError.self) {
                try await pool.pipeline([["SET", key, "x", "EX", "60"], ["INCR", key], ["SET", key, "after", "EX", "60"]])
            }
            #expect(error?.message.contains("2 of 3") == true)
            // The third command still ran, and the next reply read is the next command's.
            #expect(try await pool.command(["GET", key]).text == "after")
            #expect(try await pool.command(["ECHO", "in step"]).text == "in step")
        }
    }

    @Test("HELLO and SELECT are refused: they would change a pooled connection")
    func refusedCommands() async throws {
        try await RedisTestSupport.withPool { pool async throws in
            await #expect(throws: RedisError.self) { try await pool.command(["HELLO", "3"]) }
            await #expect(throws: RedisError.self) { try await pool.command(["select", "1"]) }
            await #expect(throws: RedisError.self) { try await pool.command([]) }
            #expect(try await pool.command(["PING"]) == .status("PONG"))
        }
    }

    @Test("isReachable is true for the test server and false for a closed port")
    func reachability() async throws {
        try await RedisTestSupport.withPool { pool async throws in
            #expect(await pool.isReachable())
        }
        try await RedisTestSupport.withPool(url: "redis://127.0.0.1:1/0") { pool async throws in
            #expect(await pool.isReachable() == false)
        }
    }

    @Test("the database number in the URL is selected on connect")
    func databaseSelection() async throws {
        let key = RedisTestSupport.key("db")
        try await RedisTestSupport.withPool(url: try RedisTestSupport.url(database: 3)) { pool async throws in
            _ = try await pool.command(["SET", key, "in 3", "EX", "60"])
        }
        try await RedisTestSupport.withPool(url: try RedisTestSupport.url(database: 0)) { pool async throws in
            #expect(try await pool.command(["GET", key]) == .null)
        }
        try await RedisTestSupport.withPool(url: try RedisTestSupport.url(database: 3)) { pool async throws in
            #expect(try await pool.command(["GET", key]).text == "in 3")
        }
    }

    @Test("the unix socket form connects and selects its database")
    func unixSocket() async throws {
        let key = RedisTestSupport.key("unix")
        let socket = try await RedisTestSupport.withPool { pool async throws in
            try await pool.command(["CONFIG", "GET", "unixsocket"])
        }
        guard case .array(let pair) = socket, pair.count == 2, let path = pair[1].text, !path.isEmpty else {
            Issue.record("the test Redis has no unix socket configured; run the tests with ./dev test")
            return
        }
        try await RedisTestSupport.withPool(url: "unix://\(path)?db=2") { pool async throws in
            _ = try await pool.command(["SET", key, "via unix", "EX", "60"])
        }
        try await RedisTestSupport.withPool(url: try RedisTestSupport.url(database: 2)) { pool async throws in
            #expect(try await pool.command(["GET", key]).text == "via unix")
        }
    }

    @Test("a wrong password fails to connect without echoing the password")
    func wrongPassword() async throws {
        let url = try RedisTestSupport.redisURL().replacingOccurrences(of: "redis://", with: "redis://:n0t-the-password@")
        try await RedisTestSupport.withPool(url: url) { pool async throws in
            let error = await #expect(throws: RedisError.self) { try await pool.command(["PING"]) }
            #expect(error?.message.contains("AUTH") == true)
            #expect(error?.message.contains("n0t-the-password") == false)
        }
    }

    @Test("after shutdown, commands fail instead of hanging")
    func shutdown() async throws {
        let pool = try RedisPool(url: try RedisTestSupport.redisURL(), maxConnections: 1, logger: RedisTestSupport.logger)
        #expect(try await pool.command(["PING"]) == .status("PONG"))
        await pool.shutdown()
        await pool.shutdown()
        await #expect(throws: (any Error).self) { try await pool.command(["PING"]) }
    }
}
