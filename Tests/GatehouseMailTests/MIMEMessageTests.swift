import Foundation
import GatehouseCore
@testable import GatehouseMail
import Testing

@Suite("MIME message: headers, encodings, CRLF, header injection refused")
struct MIMEMessageTests {
    let from: MailAddress
    let date = Date(timeIntervalSince1970: 1_709_629_623) // Tue, 05 Mar 2024 09:07:03 UTC

    init() throws {
        from = try MailAddress(parsing: "Gatehouse <no-reply@id.example.com>")
    }

    func message(_ mail: OutgoingMail, messageID: String = "<abc-123@id.example.com>") throws -> MIMEMessage {
        try MIMEMessage(from: from, mail: mail, messageID: messageID, date: date, boundarySeed: "0f0e-aa")
    }

    func headers(_ text: String) -> [String: String] {
        let head = text.components(separatedBy: "\r\n\r\n")[0].replacingOccurrences(of: "\r\n ", with: " ")
        var result: [String: String] = [:]
        for line in head.components(separatedBy: "\r\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            result[String(line[..<colon])] = String(line[line.index(colon, offsetBy: 2)...])
        }
        return result
    }

    @Test("the RFC 5322 headers are present, with a UTC Date and the stored Message-ID")
    func requiredHeaders() throws {
        let text = try message(OutgoingMail(to: "ada@example.test", subject: "Your code", textBody: "Code: 123456")).render()
        let found = headers(text)
        #expect(found["Date"] == "Tue, 05 Mar 2024 09:07:03 +0000")
        #expect(found["From"] == "Gatehouse <no-reply@id.example.com>")
        #expect(found["To"] == "ada@example.test")
        #expect(found["Subject"] == "Your code")
        #expect(found["Message-ID"] == "<abc-123@id.example.com>")
        #expect(found["MIME-Version"] == "1.0")
        #expect(found["Content-Type"] == "text/plain; charset=utf-8")
        #expect(found["Content-Transfer-Encoding"] == "quoted-printable")
    }

    @Test("every line ends in CRLF, no bare LF or CR, nothing beyond ASCII, lines within 998 (RFC 5322 §2.1.1)")
    func crlfOnly() throws {
        let body = "Line one\nLine two\r\nLine three\rLine four é ✓ \n" + String(repeating: "long ", count: 60)
        let text = try message(OutgoingMail(to: "ada@example.test", subject: "Grüße aus Zürich — ünïcödé", textBody: body,
                                            htmlBody: "<p>Hello\n<b>world</b></p>")).render()
        let bytes = Array(text.utf8)
        #expect(bytes.allSatisfy { $0 < 128 })
        for (index, byte) in bytes.enumerated() {
            if byte == 10 { #expect(index > 0 && bytes[index - 1] == 13) }
            if byte == 13 { #expect(index + 1 < bytes.count && bytes[index + 1] == 10) }
        }
        #expect(text.hasSuffix("\r\n"))
        #expect(text.components(separatedBy: "\r\n").allSatisfy { $0.utf8.count <= 78 })
    }

    @Test("a non-ASCII subject becomes RFC 2047 encoded words that decode back")
    func encodedSubject() throws {
        let subject = "Bestätigen Sie Ihre E-Mail-Adresse für Gatehouse — 確認コード ✓"
        let text = try message(OutgoingMail(to: "ada@example.test", subject: subject, textBody: "x")).render()
        let value = try #require(headers(text)["Subject"])
        let words = value.split(separator: " ")
        #expect(words.allSatisfy { $0.hasPrefix("=?UTF-8?B?") && $0.hasSuffix("?=") && $0.count <= 75 })
        let decoded = words.compactMap { word -> Data? in
            Data(base64Encoded: String(word.dropFirst("=?UTF-8?B?".count).dropLast(2)))
        }
        #expect(decoded.count == words.count)
        for chunk in decoded { #expect(String(data: chunk, encoding: .utf8) != nil, "a word splits a character") }
        #expect(String(decoding: decoded.reduce(Data(), +), as: UTF8.self) == subject)
    }

    @Test("a long ASCII subject is folded at spaces, and an encoded-word look-alike is encoded")
    func foldedSubject() throws {
        let subject = String(repeating: "word ", count: 30) + "end"
        let text = try message(OutgoingMail(to: "ada@example.test", subject: subject, textBody: "x")).render()
        #expect(headers(text)["Subject"] == subject)
        #expect(text.contains("\r\n word"))
        let tricky = try message(OutgoingMail(to: "ada@example.test", subject: "=?UTF-8?B?SGk=?=", textBody: "x")).render()
        #expect(headers(tricky)["Subject"] == "=?UTF-8?B?PT9VVEYtOD9CP1NHaz0/PQ==?=")
    }

    @Test("quoted-printable: =, trailing space, non-ASCII and a leading dot are escaped; soft breaks at 76")
    func quotedPrintable() {
        #expect(QuotedPrintable.encode("a=b") == "a=3Db")
        #expect(QuotedPrintable.encode("end \nnext\t") == "end=20\r\nnext=09")
        #expect(QuotedPrintable.encode("é") == "=C3=A9")
        #expect(QuotedPrintable.encode(".\n..x") == "=2E\r\n=2E.x")
        let long = QuotedPrintable.encode(String(repeating: "a", count: 200))
        let lines = long.components(separatedBy: "\r\n")
        #expect(lines.allSatisfy { $0.count <= 76 })
        #expect(lines.dropLast().allSatisfy { $0.hasSuffix("=") })
        #expect(long.replacingOccurrences(of: "=\r\n", with: "") == String(repeating: "a", count: 200))
        // 80 escapes of three characters after one "a": a soft break never cuts an escape in two, so
        // the first line holds 24 (73 characters) and the next ones 25 (75), each plus its "=".
        let escapes = QuotedPrintable.encode("a" + String(repeating: "é", count: 40))
        let pairs = { (count: Int) in String(repeating: "=C3=A9", count: count) }
        #expect(escapes == "a" + pairs(12) + "=\r\n" + pairs(12) + "=C3=\r\n" + "=A9" + pairs(12) + "=\r\n" + pairs(3))
        let escapeLines = escapes.components(separatedBy: "\r\n")
        #expect(escapeLines.allSatisfy { $0.count <= 76 })
        #expect(escapeLines.dropLast().allSatisfy { $0.hasSuffix("=") && !$0.dropLast().suffix(2).contains("=") })
    }

    @Test("text and HTML go out as multipart/alternative, the HTML part last")
    func alternative() throws {
        let text = try message(OutgoingMail(to: "ada@example.test", subject: "Hi", textBody: "plain body",
                                            htmlBody: "<p>html body</p>")).render()
        let contentType = try #require(headers(text)["Content-Type"])
        #expect(contentType == "multipart/alternative; boundary=\"=_gatehouse_0f0e-aa\"")
        let plain = try #require(text.range(of: "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nplain body\r\n--=_gatehouse_0f0e-aa\r\n"))
        let html = try #require(text.range(of: "Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n<p>html body</p>\r\n--=_gatehouse_0f0e-aa--\r\n"))
        #expect(plain.lowerBound < html.lowerBound)
    }

    @Test("CR or LF in a header value is refused (header injection)", arguments: [
        OutgoingMail(to: "ada@example.test", subject: "Hi\r\nBcc: victim@example.test", textBody: "x"),
        OutgoingMail(to: "ada@example.test", subject: "Hi\nBcc: victim@example.test", textBody: "x"),
        OutgoingMail(to: "ada@example.test", subject: "Hi\rBcc: victim@example.test", textBody: "x"),
        OutgoingMail(to: "ada@example.test\r\nBcc: victim@example.test", subject: "Hi", textBody: "x"),
    ])
    func injection(mail: OutgoingMail) {
        #expect(throws: MIMEError.self) { try message(mail) }
        #expect(throws: InvalidMailError.self) { try mail.validate() }
    }

    @Test("addresses that could break the header or the SMTP envelope are refused", arguments: [
        "no-at-sign", "two@@example.test", "a b@example.test", "<ada@example.test>", "ada@example.test>", "ada,eve@example.test",
        "ädä@example.test", "ada@", "@example.test",
    ])
    func badAddress(address: String) {
        #expect(throws: MIMEError.self) { try MailAddress(address: address) }
    }

    @Test("the From display name is a phrase, a quoted string or encoded words; CR/LF refused")
    func fromDisplayName() throws {
        #expect(try MailAddress(parsing: "Gatehouse Accounts <a@example.test>").headerValue == "Gatehouse Accounts <a@example.test>")
        #expect(try MailAddress(parsing: "\"Acme, Inc.\" <a@example.test>").headerValue == "\"Acme, Inc.\" <a@example.test>")
        #expect(try MailAddress(parsing: "a@example.test").headerValue == "a@example.test")
        #expect(try MailAddress(parsing: "Zürich <a@example.test>").headerValue == "=?UTF-8?B?WsO8cmljaA==?= <a@example.test>")
        #expect(throws: MIMEError.self) { try MailAddress(address: "a@example.test", displayName: "Eve\r\nBcc: x@example.test") }
    }

    @Test("a Message-ID must be <left@right> without spaces or line breaks")
    func messageID() {
        let mail = OutgoingMail(to: "ada@example.test", subject: "Hi", textBody: "x")
        #expect(throws: MIMEError.self) { try message(mail, messageID: "abc@host") }
        #expect(throws: MIMEError.self) { try message(mail, messageID: "<a b@host>") }
        #expect(throws: MIMEError.self) { try message(mail, messageID: "<a@host>\r\nBcc: x@example.test") }
    }
}
