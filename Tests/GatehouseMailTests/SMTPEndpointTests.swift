@testable import GatehouseMail
import Testing

@Suite("SMTPEndpoint: GATEHOUSE_SMTP_URL parsing and redaction")
struct SMTPEndpointTests {
    @Test("smtp:// is STARTTLS-if-offered on 587 by default; smtps:// is implicit TLS on 465")
    func schemes() throws {
        let plain = try SMTPEndpoint(url: "smtp://mail.example.com")
        #expect(plain.security == .startTLSIfOffered && plain.port == 587 && plain.host == "mail.example.com")
        #expect(plain.curlURL == "smtp://mail.example.com:587")
        let tls = try SMTPEndpoint(url: "smtps://mail.example.com")
        #expect(tls.security == .implicitTLS && tls.port == 465 && tls.curlURL == "smtps://mail.example.com:465")
        #expect(try SMTPEndpoint(url: "smtp://mail.example.com:2525?starttls=required").security == .startTLSRequired)
        #expect(try SMTPEndpoint(url: "smtp://[::1]:25").curlURL == "smtp://[::1]:25")
    }

    @Test("credentials are percent-decoded, kept out of the libcurl URL, and redacted")
    func credentials() throws {
        let endpoint = try SMTPEndpoint(url: "smtp://apikey:s%40cret%3Apw@mail.example.com:587")
        #expect(endpoint.username == "apikey")
        #expect(endpoint.password == "s@cret:pw")
        #expect(!endpoint.curlURL.contains("apikey"))
        #expect(endpoint.redacted == "smtp://apikey:***@mail.example.com:587")
        #expect(!endpoint.redacted.contains("cret"))
    }

    @Test("bad URLs are refused without echoing them", arguments: [
        "http://mail.example.com", "mail.example.com:25", "smtp://", "smtp://user:pw@mail.example.com:99999",
        "smtp://mail.example.com/path", "smtps://mail.example.com?starttls=required", "smtp://mail.example.com?x=1",
    ])
    func refused(url: String) {
        let error = #expect(throws: SMTPEndpointError.self) { try SMTPEndpoint(url: url) }
        #expect(error?.message.contains("pw") == false)
    }
}
