import Logging
import Synchronization
import Testing
@testable import GatehouseCLI

/// `DeferredMetadataLogHandler` formats its metadata only when a line is written; the line reads
/// as `StreamLogHandler`'s own with that metadata.
@Suite struct DeferredMetadataLogHandlerTests {
    final class Lines: TextOutputStream, @unchecked Sendable {
        let text = Mutex("")
        func write(_ string: String) { text.withLock { $0 += string } }
    }

    /// The line without its timestamp (the text after the first space-separated field).
    static func withoutTimestamp(_ line: String) -> String {
        String(line.drop { $0 != " " })
    }

    @Test("a line carries the logger's metadata and the call's, sorted, as StreamLogHandler writes it; the call's value wins")
    func sameLines() {
        let deferred = Lines(), stream = Lines()
        var logger = Logger(label: "gatehouse") { DeferredMetadataLogHandler(label: $0, stream: deferred) }
        var reference = Logger(label: "gatehouse") { StreamLogHandler(label: $0, stream: stream, metadataProvider: nil) }
        for index in 0..<3 {
            logger[metadataKey: "hb.request.id"] = "\(index)"
            reference[metadataKey: "hb.request.id"] = "\(index)"
        }
        logger[metadataKey: "a"] = "first"
        reference[metadataKey: "a"] = "first"
        logger.notice("signing keys changed", metadata: ["kid": "k1", "a": "call"])
        reference.notice("signing keys changed", metadata: ["kid": "k1", "a": "call"])
        logger.info("no call metadata")
        reference.info("no call metadata")
        logger.debug("below the level: not written")
        let written = deferred.text.withLock { $0 }, expected = stream.text.withLock { $0 }
        #expect(written.split(separator: "\n").map { Self.withoutTimestamp(String($0)) }
                == expected.split(separator: "\n").map { Self.withoutTimestamp(String($0)) })
        #expect(written.contains("a=call hb.request.id=2 kid=k1"))
        #expect(!written.contains("below the level"))
    }
}
