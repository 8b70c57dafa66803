import Foundation
@testable import GatehouseMail
import Testing

@Suite("MailRetryPolicy: exponential backoff, capped, then give up")
struct MailRetryPolicyTests {
    @Test("delays double from the first and stop at the cap; the last attempt gives up")
    func schedule() {
        let policy = MailRetryPolicy(maxAttempts: 5, firstDelay: .seconds(30), maxDelay: .seconds(100))
        #expect((1...4).map { policy.delay(afterAttempt: $0) } == [30, 60, 100, 100])
        let now = Date(timeIntervalSince1970: 1000)
        #expect(policy.retryAt(afterAttempt: 1, permanent: false, now: now) == now.addingTimeInterval(30))
        #expect(policy.retryAt(afterAttempt: 5, permanent: false, now: now) == nil)
        #expect(policy.retryAt(afterAttempt: 1, permanent: true, now: now) == nil)
    }
}
