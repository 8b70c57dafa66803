import GatehouseCore
import Testing

@Suite("The request id a sign-in page carries has one format, checked before use")
struct PendingAuthorizationIDTests {
    @Test("32 bytes in base64url, as /authorize makes them, and nothing else")
    func format() {
        #expect(PendingAuthorizationID.isWellFormed(Base64URL.encode([UInt8](repeating: 0xFB, count: 32))), "with - and _")
        #expect(PendingAuthorizationID.isWellFormed(Base64URL.encode([UInt8](repeating: 0, count: 32))))
        let good = String(repeating: "A", count: 43)
        let stem = String(good.dropLast())
        let bad: [String] = ["", "unknown", String(repeating: "A", count: 42), good + "A", stem + "=", stem + "+", stem + "/",
                             stem + "\"", String(good.dropLast(2)) + "\"\u{301}", stem + "\u{0}", stem + "é"]
        for id in bad {
            #expect(!PendingAuthorizationID.isWellFormed(id), "\(id.debugDescription)")
        }
    }
}
