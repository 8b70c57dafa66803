import Foundation
import GatehouseCore
import Testing

/// The outbox's contracts (Ports/MailOutbox.swift, MailQueue.swift, MailboxReader.swift): mail
/// checked at enqueue; claims leased, never overlapping while a lease runs, claimed again once
/// it ran out; outcomes recorded only under the lease held; bodies gone once a mail left or was
/// given up.
public enum MailOutboxConformance {
    static func mail(_ index: Int = 0) -> OutgoingMail {
        OutgoingMail(to: "user\(index)@example.test", subject: "Subject \(index)", textBody: "Body \(index)")
    }

    static func secret() -> OutgoingMail {
        OutgoingMail(to: "ada@example.test", subject: "123456 is your code", textBody: "Code: 123456", htmlBody: "<p>123456</p>",
                     redactedSubject: "Your code")
    }

    public static let checks: [ConformanceCheck<MailStores>] = [
        ConformanceCheck("MailOutbox: an accepted mail is pending with a Message-ID <uuid@domain>; recent lists newest first") { stores async throws in
            try await stores.outbox.enqueue(OutgoingMail(to: "a@example.test", subject: "First", textBody: "one", htmlBody: "<p>one</p>"))
            stores.clock.advance(by: 1)
            try await stores.outbox.enqueue(OutgoingMail(to: "b@example.test", subject: "Second", textBody: "two"))
            let recent = try await stores.outbox.recent(limit: 10)
            #expect(recent.map(\.subject) == ["Second", "First"])
            #expect(recent.allSatisfy { $0.status == .pending && $0.attempts == 0 && $0.sentAt == nil })
            let first = try #require(recent.last)
            #expect(first.to == "a@example.test")
            #expect(first.textBody == "one")
            #expect(first.messageID == "<\(first.id.uuidString.lowercased())@\(stores.messageIDDomain)>")
            #expect(try await stores.outbox.recent(limit: 1).count == 1)
        },
        ConformanceCheck("MailOutbox: mail switched off refuses to enqueue; a header with a line break or a recipient that is no address is refused") { stores async throws in
            #expect(stores.disabled.isEnabled == false)
            #expect(stores.outbox.isEnabled)
            await #expect(throws: MailDisabledError.self) { try await stores.disabled.enqueue(mail()) }
            let injected = await #expect(throws: InvalidMailError.self) {
                try await stores.outbox.enqueue(OutgoingMail(to: "a@example.test", subject: "Hi\r\nBcc: eve@example.test", textBody: "x"))
            }
            #expect(injected?.reason == "the recipient or subject contains a line break")
            let nobody = await #expect(throws: InvalidMailError.self) {
                try await stores.outbox.enqueue(OutgoingMail(to: "nobody", subject: "Hi", textBody: "x"))
            }
            #expect(nobody?.reason == "the recipient is not an email address")
            #expect(try await stores.outbox.recent(limit: 10).isEmpty)
        },
        ConformanceCheck("MailQueue: a claim leases due mail, oldest first, up to its limit, counting an attempt") { stores async throws in
            for index in 0..<3 {
                try await stores.outbox.enqueue(mail(index))
                stores.clock.advance(by: 1)
            }
            let now = stores.clock.now
            let claimed = try await stores.outbox.claim(limit: 2, leaseDuration: .seconds(60), maxAttempts: 5, now: now)
            #expect(claimed.map(\.mail) == [mail(0), mail(1)])
            #expect(claimed.allSatisfy { $0.attempts == 1 })
            #expect(Set(claimed.map(\.lease)).count == 1, "one lease names the claim")
            let rest = try await stores.outbox.claim(limit: 10, leaseDuration: .seconds(60), maxAttempts: 5, now: now)
            #expect(rest.map(\.mail) == [mail(2)], "leased rows are not claimed again while the lease runs")
            #expect(try await stores.outbox.claim(limit: 10, leaseDuration: .seconds(60), maxAttempts: 5, now: now).isEmpty)
        },
        ConformanceCheck("MailQueue: once a lease ran out without an outcome the row is claimed again, same Message-ID, next attempt") { stores async throws in
            try await stores.outbox.enqueue(mail())
            let now = stores.clock.now
            let first = try #require(try await stores.outbox.claim(limit: 1, leaseDuration: .seconds(60), maxAttempts: 5, now: now).first)
            #expect(try await stores.outbox.claim(limit: 1, leaseDuration: .seconds(60), maxAttempts: 5, now: now.addingTimeInterval(59)).isEmpty)
            let again = try #require(try await stores.outbox.claim(limit: 1, leaseDuration: .seconds(60), maxAttempts: 5,
                                                                   now: now.addingTimeInterval(60)).first)
            #expect(again.id == first.id)
            #expect(again.messageID == first.messageID)
            #expect(again.attempts == 2)
            #expect(again.lease != first.lease)
        },
        ConformanceCheck("MailQueue: a sent mail keeps its delivery record, not its bodies or the secret in its subject") { stores async throws in
            try await stores.outbox.enqueue(secret())
            let now = stores.clock.now
            let claimed = try #require(try await stores.outbox.claim(limit: 1, leaseDuration: .seconds(60), maxAttempts: 5, now: now).first)
            #expect(claimed.mail.subject == "123456 is your code", "the sender sends the real subject")
            #expect(claimed.mail.htmlBody == "<p>123456</p>")
            try await stores.outbox.markSent(claimed, at: now.addingTimeInterval(1))
            let record = try #require(try await stores.outbox.recent(limit: 1).first)
            #expect(record.status == .sent)
            #expect(record.sentAt == now.addingTimeInterval(1))
            #expect(record.subject == "Your code")
            #expect(record.textBody == nil)
            #expect(try await stores.outbox.claim(limit: 1, leaseDuration: .seconds(60), maxAttempts: 5, now: now.addingTimeInterval(120)).isEmpty)
        },
        ConformanceCheck("MailQueue: a failure with a retry time keeps the mail and its body until then; without one it is given up") { stores async throws in
            try await stores.outbox.enqueue(secret())
            let now = stores.clock.now
            let claimed = try #require(try await stores.outbox.claim(limit: 1, leaseDuration: .seconds(60), maxAttempts: 5, now: now).first)
            try await stores.outbox.markFailed(claimed, error: "421 busy", retryAt: now.addingTimeInterval(300), at: now)
            #expect(try await stores.outbox.claim(limit: 1, leaseDuration: .seconds(60), maxAttempts: 5, now: now.addingTimeInterval(299)).isEmpty)
            #expect(try await stores.outbox.recent(limit: 1).first?.textBody == "Code: 123456", "kept for the next attempt")
            let retried = try #require(try await stores.outbox.claim(limit: 1, leaseDuration: .seconds(60), maxAttempts: 5,
                                                                     now: now.addingTimeInterval(300)).first)
            #expect(retried.attempts == 2)
            try await stores.outbox.markFailed(retried, error: "550 no such user", retryAt: nil, at: now.addingTimeInterval(301))
            let record = try #require(try await stores.outbox.recent(limit: 1).first)
            #expect(record.status == .failed)
            #expect(record.textBody == nil)
            #expect(record.subject == "Your code")
            #expect(try await stores.outbox.claim(limit: 1, leaseDuration: .seconds(60), maxAttempts: 5, now: now.addingTimeInterval(900)).isEmpty)
        },
        ConformanceCheck("MailQueue: a failure reported under a lease that passed to another claim is ignored; sent wins whoever holds it") { stores async throws in
            try await stores.outbox.enqueue(mail())
            let now = stores.clock.now
            let stale = try #require(try await stores.outbox.claim(limit: 1, leaseDuration: .seconds(60), maxAttempts: 5, now: now).first)
            let current = try #require(try await stores.outbox.claim(limit: 1, leaseDuration: .seconds(60), maxAttempts: 5,
                                                                     now: now.addingTimeInterval(60)).first)
            try await stores.outbox.markFailed(stale, error: "late", retryAt: nil, at: now.addingTimeInterval(61))
            #expect(try await stores.outbox.recent(limit: 1).first?.status == .pending, "the stale lease changed nothing")
            try await stores.outbox.markSent(stale, at: now.addingTimeInterval(62))
            #expect(try await stores.outbox.recent(limit: 1).first?.status == .sent)
            try await stores.outbox.markFailed(current, error: "after sent", retryAt: nil, at: now.addingTimeInterval(63))
            #expect(try await stores.outbox.recent(limit: 1).first?.status == .sent, "a sent mail stays sent")
        },
        ConformanceCheck("MailQueue: a row whose senders keep dying is given up once out of attempts, without its body") { stores async throws in
            try await stores.outbox.enqueue(secret())
            var now = stores.clock.now
            for attempt in 1...2 {
                let claimed = try await stores.outbox.claim(limit: 1, leaseDuration: .seconds(60), maxAttempts: 2, now: now)
                #expect(claimed.first?.attempts == attempt)
                now = now.addingTimeInterval(60)
            }
            #expect(try await stores.outbox.claim(limit: 1, leaseDuration: .seconds(60), maxAttempts: 2, now: now).isEmpty)
            let record = try #require(try await stores.outbox.recent(limit: 1).first)
            #expect(record.status == .failed)
            #expect(record.attempts == 2)
            #expect(record.textBody == nil)
            #expect(record.subject == "Your code")
        },
    ]
}
