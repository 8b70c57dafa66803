import Foundation
@testable import GatehousePostgres
import Testing

/// The text formats this module writes and reads itself, checked without a server.
@Suite("PostgreSQL text formats")
struct PostgresTextFormatTests {
    @Test("timestamps are written in UTC with six fractional digits")
    func formatTimestamp() throws {
        #expect(try PostgresTimestamp.format(Date(timeIntervalSince1970: 0)) == "1970-01-01 00:00:00.000000+00")
        #expect(try PostgresTimestamp.format(Date(timeIntervalSince1970: -0.000001)) == "1969-12-31 23:59:59.999999+00")
        #expect(try PostgresTimestamp.format(Date(timeIntervalSince1970: 951_782_400.25)) == "2000-02-29 00:00:00.250000+00")
    }

    @Test("a time outside the years 1...9999 is refused with an error, never a trap, however far out or not finite")
    func formatOutOfRange() {
        for seconds in [253_402_300_800.0, -62_135_596_801, 9.3e12, -9.3e12, 1e300, .infinity, -.infinity, .nan] {
            #expect(throws: PostgresError.self, "\(seconds)") { try PostgresTimestamp.format(Date(timeIntervalSince1970: seconds)) }
        }
        #expect(throws: PostgresError.self) { try PostgresTimestamp.format(.distantFuture.addingTimeInterval(1e300)) }
    }

    @Test("timestamps are read with offsets, without fractions, as dates, and BC")
    func parseTimestamp() {
        #expect(PostgresTimestamp.parse("1970-01-01 00:00:00+00") == Date(timeIntervalSince1970: 0))
        #expect(PostgresTimestamp.parse("1970-01-01 01:00:00.5+01") == Date(timeIntervalSince1970: 0.5))
        #expect(PostgresTimestamp.parse("1969-12-31 19:00:00-05:00") == Date(timeIntervalSince1970: 0))
        #expect(PostgresTimestamp.parse("1970-01-01 00:20:00+00:19:30") == Date(timeIntervalSince1970: 30))
        #expect(PostgresTimestamp.parse("1970-01-02") == Date(timeIntervalSince1970: 86_400))
        #expect(PostgresTimestamp.parse("0001-01-01 00:00:00+00 BC") != nil)
        #expect(PostgresTimestamp.parse("-infinity") == .distantPast)
        for garbage in ["", "yesterday", "2024-13-01", "2024-01-01 1:00:00", "2024-01-01 00:00:00.1234567+00", "2024-01-01 00:00:00+00 junk"] {
            #expect(PostgresTimestamp.parse(garbage) == nil, "\(garbage)")
        }
    }

    @Test("array literals quote every element and escape quotes and backslashes")
    func formatArray() throws {
        #expect(try PostgresArrayLiteral.format([]) == "{}")
        #expect(try PostgresArrayLiteral.format(["a", "", #"q"b\c"#]) == #"{"a","","q\"b\\c"}"#)
        #expect(throws: PostgresError.self) { try PostgresArrayLiteral.format(["a\u{0}"]) }
    }

    @Test("array output is read with bare and quoted elements, spaces and bounds")
    func parseArray() throws {
        #expect(try PostgresArrayLiteral.parse("{}") == [])
        #expect(try PostgresArrayLiteral.parse(#"{a,"b,c","",  d  ,"NULL","x\"y"}"#) == ["a", "b,c", "", "d", "NULL", "x\"y"])
        #expect(try PostgresArrayLiteral.parse("[0:1]={a,b}") == ["a", "b"])
        for refused in ["{a,NULL}", "{{a},{b}}", "a,b", "{\"open}", "{a,}"] {
            #expect(throws: PostgresError.self, "\(refused)") { try PostgresArrayLiteral.parse(refused) }
        }
    }

    @Test("bytea hex output decodes; other shapes are refused")
    func bytea() {
        #expect(PostgresRow.decodeHexBytea(#"\x"#) == [])
        #expect(PostgresRow.decodeHexBytea(#"\x00ff7A"#) == [0, 255, 0x7A])
        #expect(PostgresRow.decodeHexBytea(#"\x0"#) == nil)
        #expect(PostgresRow.decodeHexBytea("abc") == nil)
    }

    @Test("passwords are hidden in URIs and conninfo strings before logging")
    func redaction() {
        #expect(ConnectionStringRedaction.redact("postgresql://app:s3cret@db.internal:5432/gatehouse")
            == "postgresql://app:***@db.internal:5432/gatehouse")
        #expect(ConnectionStringRedaction.redact("postgresql://app@db/gatehouse?sslmode=require&password=s3cret&x=1")
            == "postgresql://app@db/gatehouse?sslmode=require&password=***&x=1")
        #expect(ConnectionStringRedaction.redact("host=db password = 's3 \\' cret' dbname=g")
            == "host=db password =*** dbname=g")
        #expect(ConnectionStringRedaction.redact("host=/tmp/sock port=5432 dbname=gatehouse")
            == "host=/tmp/sock port=5432 dbname=gatehouse")
    }

    @Test("migration file names must be NNNN_name.sql")
    func migrationNames() {
        #expect(MigrationFile.version(ofFileName: "0001_create_users.sql") == 1)
        #expect(MigrationFile.version(ofFileName: "0420_add-index.sql") == 420)
        for bad in ["001_x.sql", "00001_x.sql", "0001_.sql", "0001_x.SQL", "0001-x.sql", "abcd_x.sql", "0001_x y.sql"] {
            #expect(MigrationFile.version(ofFileName: bad) == nil, "\(bad)")
        }
    }
}
