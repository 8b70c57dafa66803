import Foundation
import GatehouseCore
@testable import GatehouseMail
import GatehouseTestingStack
import Testing

/// Real sends through libcurl to the aiosmtpd server `./dev test` runs on loopback; the
/// received message is read back as Python's email package parsed it.
@Suite("SMTPSender: real SMTP, STARTTLS and TLS with a private CA")
struct SMTPSenderTests {
    func mail(to recipient: String) -> OutgoingMail {
        OutgoingMail(to: recipient, subject: "Bestätigen Sie Ihre Adresse — code 123456",
                     textBody: "Your code is 123456.\n.\nA line that starts with a dot: .hidden\nLast line é",
                     htmlBody: "<p>Your code is <b>123456</b>.</p>")
    }

    @Test("plain SMTP: subject, envelope, both bodies and the Message-ID arrive intact")
    func plainSend() async throws {
        let recipient = MailTestSupport.uniqueRecipient()
        let queued = MailTestSupport.queued(mail(to: recipient))
        try await withSender(try MailTestSupport.sender(try MailTestSupport.location("GATEHOUSE_TEST_SMTP_URL"))) { sender async throws in
            try await sender.send(queued)
        }
        let received = try await TestMail.waitFor(messageID: queued.messageID)
        #expect(received.listener == "plain")
        #expect(received.rcptTos == [recipient])
        #expect(received.mailFrom == "no-reply@id.gatehouse.test")
        #expect(received.to == recipient)
        #expect(received.from == "Gatehouse <no-reply@id.gatehouse.test>")
        #expect(received.subject == "Bestätigen Sie Ihre Adresse — code 123456")
        #expect(received.contentType == "multipart/alternative")
        #expect(received.text == "Your code is 123456.\n.\nA line that starts with a dot: .hidden\nLast line é")
        #expect(received.html == "<p>Your code is <b>123456</b>.</p>")
        #expect(received.defects.isEmpty)
        #expect(received.date.hasSuffix("+0000"))
    }

    @Test("STARTTLS with the private CA (GATEHOUSE_SMTP_CA_FILE) and the credentials from the URL")
    func startTLS() async throws {
        let recipient = MailTestSupport.uniqueRecipient("tls")
        let queued = MailTestSupport.queued(mail(to: recipient))
        let location = try MailTestSupport.location("GATEHOUSE_TEST_SMTP_STARTTLS_URL", credentials: true)
        let caFile = try TestServices.variable("GATEHOUSE_TEST_SMTP_CA_FILE")
        try await withSender(try MailTestSupport.sender(location, caFile: caFile)) { try await $0.send(queued) }
        let received = try await TestMail.waitFor(messageID: queued.messageID)
        #expect(received.listener == "starttls")
        #expect(received.tls)
        #expect(received.authenticated)
        #expect(received.login == location.username)
        #expect(received.text?.hasPrefix("Your code is 123456.") == true)
    }

    @Test("smtps:// (implicit TLS) verified against the private CA")
    func implicitTLS() async throws {
        let queued = MailTestSupport.queued(mail(to: MailTestSupport.uniqueRecipient("smtps")))
        let location = try MailTestSupport.location("GATEHOUSE_TEST_SMTPS_URL")
        #expect(location.security == .implicitTLS)
        let caFile = try TestServices.variable("GATEHOUSE_TEST_SMTP_CA_FILE")
        try await withSender(try MailTestSupport.sender(location, caFile: caFile)) { try await $0.send(queued) }
        let received = try await TestMail.waitFor(messageID: queued.messageID)
        #expect(received.listener == "tls")
        #expect(received.tls)
    }

    @Test("a certificate from another CA is refused (and retried later, not given up)", arguments: [
        "GATEHOUSE_TEST_SMTP_STARTTLS_URL", "GATEHOUSE_TEST_SMTPS_URL",
    ])
    func wrongCA(variable: String) async throws {
        let queued = MailTestSupport.queued(mail(to: MailTestSupport.uniqueRecipient("wrongca")))
        let caFile = try TestServices.variable("GATEHOUSE_TEST_SMTP_WRONG_CA_FILE")
        let error = try await withSender(try MailTestSupport.sender(try MailTestSupport.location(variable), caFile: caFile)) { sender async throws in
            await #expect(throws: MailTransportError.self) { try await sender.send(queued) }
        }
        #expect(error?.isPermanent == false)
        #expect(error?.message.lowercased().contains("certificate") == true, "\(String(describing: error))")
        #expect(try TestMail.received().allSatisfy { $0.messageID != queued.messageID })
    }

    @Test("the system CA store does not trust the private CA: without GATEHOUSE_SMTP_CA_FILE it fails")
    func systemStore() async throws {
        let queued = MailTestSupport.queued(mail(to: MailTestSupport.uniqueRecipient("nostore")))
        let location = try MailTestSupport.location("GATEHOUSE_TEST_SMTPS_URL")
        try await withSender(try MailTestSupport.sender(location)) { sender async throws in
            await #expect(throws: MailTransportError.self) { try await sender.send(queued) }
        }
    }

    @Test("STARTTLS required: a server that offers none is refused")
    func startTLSRequired() async throws {
        let queued = MailTestSupport.queued(mail(to: MailTestSupport.uniqueRecipient("required")))
        let location = try MailTestSupport.location("GATEHOUSE_TEST_SMTP_URL", query: "?starttls=required")
        try await withSender(try MailTestSupport.sender(location)) { sender async throws in
            await #expect(throws: MailTransportError.self) { try await sender.send(queued) }
        }
        #expect(try TestMail.received().allSatisfy { $0.messageID != queued.messageID })
    }

    @Test("a wrong password fails and is retried later (a setting to fix, not the message's fault)")
    func wrongPassword() async throws {
        let queued = MailTestSupport.queued(mail(to: MailTestSupport.uniqueRecipient("badpw")))
        let good = try MailTestSupport.location("GATEHOUSE_TEST_SMTP_STARTTLS_URL", credentials: true)
        let bad = try SMTPLocation(url: "smtp://\(good.username ?? "x"):wrong-password@\(good.host):\(good.port)")
        let caFile = try TestServices.variable("GATEHOUSE_TEST_SMTP_CA_FILE")
        let error = try await withSender(try MailTestSupport.sender(bad, caFile: caFile)) { sender async throws in
            await #expect(throws: MailTransportError.self) { try await sender.send(queued) }
        }
        #expect(error?.isPermanent == false)
        #expect(error?.message.contains("wrong-password") == false)
    }

    @Test("a 550 for the recipient is permanent; a 451 is temporary (RFC 5321 §4.2.1)")
    func rejectedRecipient() async throws {
        let location = try MailTestSupport.location("GATEHOUSE_TEST_SMTP_URL")
        try await withSender(try MailTestSupport.sender(location)) { sender async throws in
            let permanent = await #expect(throws: MailTransportError.self) {
                try await sender.send(MailTestSupport.queued(mail(to: "reject-permanent@example.test")))
            }
            #expect(permanent?.isPermanent == true, "\(String(describing: permanent))")
            let temporary = await #expect(throws: MailTransportError.self) {
                try await sender.send(MailTestSupport.queued(mail(to: "reject-temporary@example.test")))
            }
            #expect(temporary?.isPermanent == false, "\(String(describing: temporary))")
        }
    }

    @Test("nothing listening: a connection failure, retried later")
    func connectionRefused() async throws {
        let location = try SMTPLocation(url: "smtp://127.0.0.1:\(MailTestSupport.closedPort())")
        try await withSender(try MailTestSupport.sender(location)) { sender async throws in
            let error = await #expect(throws: MailTransportError.self) {
                try await sender.send(MailTestSupport.queued(mail(to: MailTestSupport.uniqueRecipient())))
            }
            #expect(error?.isPermanent == false)
        }
    }
}
