import Foundation
@testable import GatehouseCore
import Testing

/// Reading an import's file (issue 11 item 4, "Bad input and access"): RFC 4180 CSV with quotes,
/// embedded line breaks, a BOM and CRLF; rows with too many or too few fields, NUL bytes or bad
/// UTF-8 are reported in their place and the others go on; a file over 10 MB or not CSV at all
/// is refused as a whole, before any row.
@Suite("Import files")
struct ImportFileTests {
    static func csv(_ text: String, kind: ImportKind = .invitations) throws -> ImportFile {
        try ImportFile(kind: kind, format: .csv, bytes: Array(text.utf8))
    }

    @Test("quotes, doubled quotes, commas and a line break inside a quoted field; CRLF and a BOM")
    func quoting() throws {
        let file = try ImportFile(kind: .invitations, format: .csv, bytes: [0xEF, 0xBB, 0xBF] + Array(
            "email,name,role\r\nada@example.com,\"Lovelace, Ada \"\"The Countess\"\"\",operator\r\nbob@example.com,\"Line\r\nbreak\",operator\r\n".utf8))
        #expect(file.rows.count == 2)
        #expect(file.rows[0] == ImportFile.Row(line: 2, fields: ["email": "ada@example.com", "name": "Lovelace, Ada \"The Countess\"",
                                                                 "role": "operator"]))
        #expect(file.rows[1].line == 3)
        #expect(file.rows[1].fields["name"] == "Line\r\nbreak")
    }

    @Test("a row with too many or too few fields, a NUL byte or invalid UTF-8 is reported; the rows after it still come")
    func badRows() throws {
        var bytes = Array("email,role\nada@example.com,operator,extra\nbob@example.com\nnul\u{0}@example.com,operator\n".utf8)
        bytes += [0x63, 0xFF, 0x40, 0x78, 0x2E, 0x63, 0x6F, 0x2C, 0x6F, 0x70, 0x0A]   // c\xFF@x.co,op
        bytes += Array("cy@example.com,operator\n".utf8)
        let file = try ImportFile(kind: .invitations, format: .csv, bytes: bytes)
        #expect(file.rows.map(\.problem) == ["has 3 fields; the header has 2", "has 1 fields; the header has 2",
                                              "email contains a NUL byte", "email is not valid UTF-8", nil])
        #expect(file.rows.map(\.line) == [2, 3, 4, 5, 6])
        #expect(file.rows[4].fields == ["email": "cy@example.com", "role": "operator"])
    }

    @Test("10 MB is accepted; 10 MB and one byte is refused before any row is read")
    func size() throws {
        let header = Array("email,name,role\n".utf8)
        // Rows of 200 bytes: 10 MB of them is fewer than the 100,000 rows one file may have.
        let row = Array(("ada@example.com," + String(repeating: "a", count: 174) + ",operator\n").utf8)
        var exact = header
        while exact.count + row.count <= ImportFile.maximumBytes { exact += row }
        exact += Array(repeating: UInt8(ascii: " "), count: ImportFile.maximumBytes - exact.count)
        #expect(exact.count == 10 * 1_048_576)
        #expect(throws: Never.self) { try ImportFile(kind: .invitations, format: .csv, bytes: exact) }
        #expect(throws: ImportFileError.tooLarge(limit: 10_485_760)) {
            try ImportFile(kind: .invitations, format: .csv, bytes: exact + [UInt8(ascii: "\n")])
        }
        #expect(ImportFileError.tooLarge(limit: 10_485_760).text == "The file is larger than 10 MB; split it into smaller files.")
    }

    @Test("not CSV: an unclosed quote, text after a closing quote, a header that is not the kind's columns, a binary file")
    func notCSV() {
        #expect(throws: ImportFileError.notCSV("the quote opened on line 2 is never closed")) {
            try Self.csv("email,role\n\"ada@example.com,operator\n")
        }
        #expect(throws: ImportFileError.notCSV("line 2 has text after a closing quote")) { try Self.csv("email,role\n\"ada\"x,operator\n") }
        #expect(throws: ImportFileError.notCSV("the first line must be a header of the columns email,name,role,organization; \"e-mail\" is not one of them")) {
            try Self.csv("e-mail,role\nada@example.com,operator\n")
        }
        #expect(throws: ImportFileError.notCSV("the header must name the column role (the columns are email,name,role,organization)")) {
            try Self.csv("email\nada@example.com\n")
        }
        #expect(throws: ImportFileError.notCSV("the header names email twice")) { try Self.csv("email,email,role\na,b,c\n") }
        #expect(throws: ImportFileError.notCSV("the first line must be a header of the columns email,name,role,organization")) {
            try ImportFile(kind: .invitations, format: .csv, bytes: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00])
        }
        #expect(throws: ImportFileError.empty) { try Self.csv("email,role\n") }
        #expect(throws: ImportFileError.unsupportedFormat) { try ImportFile.format(named: "xlsx") }
        #expect(ImportFileError.notCSV("the header names email twice").text == "The file is not CSV: the header names email twice.")
    }

    @Test("JSON lines: objects of strings, booleans and numbers; a bad line reported in its place; a first line that is no object refuses the file")
    func jsonLines() throws {
        let text = """
            {"external_id": 17, "email": "ada@example.com", "email_verified": true, "name": null}
            not json
            {"external_id": "x", "email": "b@example.com", "groups": ["a"]}
            {"external_id": "y", "email": "c@example.com", "name": {"first": "C"}}

            {"external_id": "z", "email": "d@example.com"}\r
            """
        let file = try ImportFile(kind: .users, format: .jsonl, bytes: Array(text.utf8))
        #expect(file.rows[0] == ImportFile.Row(line: 1, fields: ["external_id": "17", "email": "ada@example.com", "email_verified": "true"]))
        #expect(file.rows.map(\.problem) == [nil, "is not a JSON object",
                                              "has the key \"groups\", which is not one of external_id, email, name, email_verified, password_hash, organization, role",
                                              "has a value that is not a string, number or boolean", nil])
        #expect(file.rows.map(\.line) == [1, 2, 3, 4, 6])
        #expect(throws: ImportFileError.notJSONLines("line 1 is not a JSON object")) {
            try ImportFile(kind: .users, format: .jsonl, bytes: Array("external_id,email\n1,a@b.co\n".utf8))
        }
    }

    @Test("a user's row under registration's rules: the first problem, in words")
    func userRows() throws {
        func refusal(_ fields: [String: String]) -> String? {
            do {
                _ = try UserImport.entry(fields)
                return nil
            } catch {
                return error.text
            }
        }
        let base = ["external_id": "1", "email": "Ada@Example.com "]
        #expect(refusal(base) == nil)
        #expect(try UserImport.entry(base).email == "ada@example.com")
        #expect(refusal(["email": "a@b.co"]) == "external_id is missing")
        #expect(refusal(["external_id": "1", "email": "not an address"]) == "email is not a valid address")
        #expect(refusal(base.merging(["name": String(repeating: "a", count: 201)]) { $1 }) == "name is longer than 200 characters")
        #expect(refusal(base.merging(["name": "Ada\nLovelace"]) { $1 }) == "name contains a control character")
        #expect(refusal(base.merging(["email_verified": "maybe"]) { $1 }) == "email_verified must be true or false")
        #expect(refusal(base.merging(["password_hash": "5f4dcc3b5aa765d61d8327deb882cf99"]) { $1 })
                == "password_hash is not a bcrypt ($2a$, $2b$, $2y$) or argon2 ($argon2id$, $argon2i$) hash")
        #expect(refusal(base.merging(["role": "client_user"]) { $1 }) == "role needs an organization")
        #expect(refusal(base.merging(["role": "super_admin", "organization": "acme"]) { $1 })
                == "role must be client_admin or client_user (platform roles are not imported)")
        #expect(refusal(base.merging(["organization": "acme"]) { $1 }) == "organization needs a role (client_admin or client_user)")
        #expect(try UserImport.entry(base.merging(["organization": "acme", "role": "client_admin"]) { $1 }).role == .clientAdmin)
        #expect(refusal(["external_id": String(repeating: "x", count: 257), "email": "a@b.co"]) == "external_id is longer than 256 characters")
    }

    @Test("the result list's words for a row", arguments: [
        (ImportRowResult(line: 3, outcome: .created, subject: "ada@example.com"), false, "line 3 · ada@example.com: created"),
        (ImportRowResult(line: 3, outcome: .created, subject: "ada@example.com"), true, "line 3 · ada@example.com: would create"),
        (ImportRowResult(line: 4, outcome: .skipped, subject: nil, reason: "email is not a valid address."), true,
         "line 4: would skip. email is not a valid address."),
        (ImportRowResult(line: 5, outcome: .updated, subject: "b@example.com", reason: "Changed: name."), false,
         "line 5 · b@example.com: updated. Changed: name."),
    ])
    func reasons(result: ImportRowResult, dryRun: Bool, expected: String) {
        #expect(ImportJobHandler.reason(result, dryRun: dryRun) == expected)
    }
}
