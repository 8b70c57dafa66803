import GatehouseCore
import Testing

@Suite struct AuditCheckpointTests {
    @Test func printsAndReadsBack() throws {
        let checkpoint = AuditCheckpoint(id: 42, mac: Array(0..<32))
        #expect(checkpoint.description == "42:000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f")
        #expect(AuditCheckpoint(checkpoint.description) == checkpoint)
        #expect(AuditCheckpoint(checkpoint.description.uppercased()) == checkpoint)
    }

    @Test(arguments: ["", "42", "42:", ":00", "0:" + String(repeating: "0", count: 64), "-1:" + String(repeating: "0", count: 64),
                      "42:" + String(repeating: "0", count: 63), "42:" + String(repeating: "g", count: 64),
                      "42:" + String(repeating: "0", count: 64) + ":1", "x:" + String(repeating: "0", count: 64)])
    func refusesAnythingElse(_ text: String) {
        #expect(AuditCheckpoint(text) == nil)
    }
}
