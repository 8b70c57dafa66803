import Foundation
import GatehousePostgres
import Testing

/// Every `PostgresValue` goes to the server and comes back unchanged, both through casts and
/// through real columns (where the server infers the parameter types from the table).
@Suite("PostgresValue round trips")
struct PostgresValueRoundTripTests {
    static let awkwardTexts = [
        "", "it's", #"back\slash"#, #""quoted""#, "ünïcødé 🎉 日本", "line\nbreak\ttab", "' OR '1'='1",
        "{braces}", "NULL", "   spaced   ",
    ]

    @Test("text with quotes, backslashes and unicode round-trips")
    func text() async throws {
        try await PostgresTestSupport.withPool { pool async throws in
            for text in Self.awkwardTexts {
                let row = try #require(try await pool.query("SELECT $1::text AS v", [.text(text)]).rows.first)
                #expect(try row.string("v") == text)
            }
        }
    }

    @Test("integers round-trip to the edges of Int")
    func integers() async throws {
        try await PostgresTestSupport.withPool { pool async throws in
            for value in [0, 1, -1, 42, Int.max, Int.min] {
                let row = try #require(try await pool.query("SELECT $1::bigint AS v", [.int(value)]).rows.first)
                #expect(try row.int("v") == value)
            }
        }
    }

    @Test("booleans round-trip")
    func booleans() async throws {
        try await PostgresTestSupport.withPool { pool async throws in
            let row = try #require(try await pool.query("SELECT $1::boolean AS t, $2::boolean AS f", [.bool(true), .bool(false)]).rows.first)
            #expect(try row.bool("t") == true)
            #expect(try row.bool("f") == false)
        }
    }

    @Test("bytea round-trips zero bytes, every byte value and the empty value")
    func bytes() async throws {
        let samples: [[UInt8]] = [[], [0], [0, 0, 0], [0x5C, 0x78, 0x27, 0x22, 0], Array(0...255), (0..<5000).map { _ in .random(in: 0...255) }]
        try await PostgresTestSupport.withPool { pool async throws in
            for sample in samples {
                let row = try #require(try await pool.query("SELECT $1::bytea AS v, length($1::bytea) AS n", [.bytes(sample)]).rows.first)
                #expect(try row.bytes("v") == sample)
                #expect(try row.int("n") == sample.count)
            }
        }
    }

    @Test("UUIDs round-trip")
    func uuids() async throws {
        let uuid = UUID()
        try await PostgresTestSupport.withPool { pool async throws in
            let row = try #require(try await pool.query("SELECT $1::uuid AS v, $1::uuid::text AS t", [.uuid(uuid)]).rows.first)
            #expect(try row.uuid("v") == uuid)
            #expect(try row.string("t") == uuid.uuidString.lowercased())
        }
    }

    @Test("timestamps round-trip to the microsecond, in UTC")
    func timestamps() async throws {
        let micros: [Int64] = [1_700_000_000_123_456, 0, -1, -86_400_000_001, 2_000_000_000_000_001, 1_000_000]
        try await PostgresTestSupport.withPool { pool async throws in
            for value in micros {
                let date = Date(timeIntervalSince1970: Double(value) / 1_000_000)
                let row = try #require(try await pool.query(
                    "SELECT $1::timestamptz AS v, (extract(epoch FROM $1::timestamptz) * 1000000)::bigint AS micros",
                    [.timestamp(date)]).rows.first)
                #expect(try row.date("v") == date)
                #expect(try row.int("micros") == Int(value))
            }
        }
    }

    @Test("the server's own timestamps decode (now(), infinity)")
    func serverTimestamps() async throws {
        try await PostgresTestSupport.withPool { pool async throws in
            let row = try #require(try await pool.query(
                "SELECT now() AS now, 'infinity'::timestamptz AS inf, '2024-02-29 23:59:59.5+05:30'::timestamptz AS offset").rows.first)
            #expect(abs(try row.date("now").timeIntervalSinceNow) < 60)
            #expect(try row.date("inf") == .distantFuture)
            #expect(try row.date("offset") == Date(timeIntervalSince1970: 1_709_231_399.5))
        }
    }

    @Test("text arrays round-trip commas, quotes, backslashes, braces, NULL words and empty strings")
    func textArrays() async throws {
        let arrays: [[String]] = [[], [""], Self.awkwardTexts, ["a,b", "c"], ["https://app.example/cb?x=1&y=2"]]
        try await PostgresTestSupport.withPool { pool async throws in
            for array in arrays {
                let row = try #require(try await pool.query(
                    "SELECT $1::text[] AS v, cardinality($1::text[]) AS n", [.textArray(array)]).rows.first)
                #expect(try row.stringArray("v") == array)
                #expect(try row.int("n") == array.count)
            }
        }
    }

    @Test("arrays with NULL elements or two dimensions are refused")
    func refusedArrays() async throws {
        try await PostgresTestSupport.withPool { pool async throws in
            let row = try #require(try await pool.query(
                "SELECT ARRAY['a', NULL]::text[] AS nulls, ARRAY[['a'],['b']]::text[] AS nested").rows.first)
            #expect(throws: PostgresError.self) { try row.stringArray("nulls") }
            #expect(throws: PostgresError.self) { try row.stringArray("nested") }
        }
    }

    @Test("NULL round-trips; optional accessors return nil, required ones throw naming the column")
    func nulls() async throws {
        try await PostgresTestSupport.withPool { pool async throws in
            let row = try #require(try await pool.query(
                "SELECT $1::text AS t, $2::bigint AS i, $3::bytea AS b, $4::uuid AS u, $5::timestamptz AS d",
                [.null, .null, .null, .null, .null]).rows.first)
            #expect(try row.optionalString("t") == nil)
            #expect(try row.optionalInt("i") == nil)
            #expect(try row.optionalBytes("b") == nil)
            #expect(try row.optionalUUID("u") == nil)
            #expect(try row.optionalDate("d") == nil)
            let error = #expect(throws: PostgresError.self) { try row.string("t") }
            #expect(error?.message.contains("\"t\"") == true)
            #expect(throws: PostgresError.self) { try row.string("no_such_column") }
        }
    }

    @Test("values stored in typed columns come back unchanged (types inferred from the table)")
    func tableColumns() async throws {
        let table = PostgresTestSupport.uniqueName("roundtrip")
        let id = UUID(), blob: [UInt8] = [0, 1, 2, 0, 255], when = Date(timeIntervalSince1970: 1_234_567_890.654321)
        try await PostgresTestSupport.withPool { pool async throws in
            let row = try await pool.withConnection { connection in
                try connection.execute(script: """
                    CREATE TEMP TABLE \(table) (id uuid PRIMARY KEY, name text, n bigint, flag boolean,
                        blob bytea, at timestamptz, tags text[], missing text)
                    """)
                let inserted = try connection.query(
                    "INSERT INTO \(table) (id, name, n, flag, blob, at, tags, missing) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                    [.uuid(id), .text("Zoë \"Z\" O'Brien"), .int(-7), .bool(true), .bytes(blob), .timestamp(when),
                     .textArray(["openid", "a,b", ""]), .null])
                #expect(inserted.affectedRows == 1)
                return try #require(try connection.query("SELECT * FROM \(table) WHERE id = $1", [.uuid(id)]).rows.first)
            }
            #expect(try row.uuid("id") == id)
            #expect(try row.string("name") == "Zoë \"Z\" O'Brien")
            #expect(try row.int("n") == -7)
            #expect(try row.bool("flag"))
            #expect(try row.bytes("blob") == blob)
            #expect(try row.date("at") == when)
            #expect(try row.stringArray("tags") == ["openid", "a,b", ""])
            #expect(try row.optionalString("missing") == nil)
        }
    }

    @Test("a text parameter with a NUL byte is refused rather than cut short")
    func nulInText() async throws {
        try await PostgresTestSupport.withPool { pool async throws in
            await #expect(throws: PostgresError.self) { try await pool.query("SELECT $1::text", [.text("a\u{0}b")]) }
        }
    }
}
