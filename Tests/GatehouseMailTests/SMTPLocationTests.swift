@testable import GatehouseMail
import Testing

@Suite("SMTPLocation: GATEHOUSE_SMTP_URL parsing and redaction")
struct SMTPLocationTests {
    @Test("smtp:// requires STARTTLS on 587 by default, except to a loopback relay; smtps:// is implicit TLS on 465")
    func schemes() throws {
        let submission = try SMTPLocation(url: "smtp://mail.example.com")
        #expect(submission.security == .startTLSRequired && submission.port == 587 && submission.host == "mail.example.com")
        #expect(submission.curlURL == "smtp://mail.example.com:587")
        let tls = try SMTPLocation(url: "smtps://mail.example.com")
        #expect(tls.security == .implicitTLS && tls.port == 465 && tls.curlURL == "smtps://mail.example.com:465")
        #expect(try SMTPLocation(url: "smtp://mail.example.com:2525?starttls=required").security == .startTLSRequired)
        #expect(try SMTPLocation(url: "smtp://relay.internal:25?starttls=optional").security == .startTLSIfOffered)
        for loopback in ["smtp://127.0.0.1:25", "smtp://localhost", "smtp://[::1]:25"] {
            #expect(try SMTPLocation(url: loopback).security == .startTLSIfOffered, "\(loopback)")
        }
        #expect(try SMTPLocation(url: "smtp://127.0.0.1:25?starttls=required").security == .startTLSRequired)
        #expect(try SMTPLocation(url: "smtp://[::1]:25").curlURL == "smtp://[::1]:25")
    }

    @Test("the redacted form names a STARTTLS choice only when it is not the host's default")
    func redactedSecurity() throws {
        #expect(try SMTPLocation(url: "smtp://mail.example.com").redacted == "smtp://mail.example.com:587")
        #expect(try SMTPLocation(url: "smtp://mail.example.com?starttls=optional").redacted == "smtp://mail.example.com:587?starttls=optional")
        #expect(try SMTPLocation(url: "smtp://127.0.0.1:25?starttls=required").redacted == "smtp://127.0.0.1:25?starttls=required")
    }

    @Test("credentials are percent-decoded, kept out of the libcurl URL, and redacted")
    func credentials() throws {
        let location = try SMTPLocation(url: "smtp://apikey:s%40cret%3Apw@mail.example.com:587")
        #expect(location.username == "apikey")
        #expect(location.password == "s@cret:pw")
        #expect(!location.curlURL.contains("apikey"))
        #expect(location.redacted == "smtp://apikey:***@mail.example.com:587")
        #expect(!location.redacted.contains("cret"))
    }

    @Test("bad URLs are refused without echoing them", arguments: [
        "http://mail.example.com", "mail.example.com:25", "smtp://", "smtp://user:pw@mail.example.com:99999",
        "smtp://mail.example.com/path", "smtps://mail.example.com?starttls=required", "smtp://mail.example.com?x=1",
        "smtp://mail.example.com?starttls=maybe",
    ])
    func refused(url: String) {
        let error = #expect(throws: SMTPLocationError.self) { try SMTPLocation(url: url) }
        #expect(error?.message.contains("pw") == false)
    }
}
