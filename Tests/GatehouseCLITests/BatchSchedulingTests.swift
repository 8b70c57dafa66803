import Foundation
import Testing
@testable import GatehouseCLI

/// `BatchScheduling` switches every thread of a real process to `SCHED_BATCH`, and threads the
/// process creates afterwards start under it too (what `gatehouse serve` relies on for the
/// event loops and pools it starts later). The process is a Python child with threads of its
/// own, so the test's process keeps its scheduling.
@Suite struct BatchSchedulingTests {
    /// Starts four threads, says "ready", and on a line from standard input starts three more
    /// and says "more"; ends when standard input closes.
    static let script = """
    import sys, threading
    def park(event): event.wait()
    stop = threading.Event()
    for _ in range(4): threading.Thread(target=park, args=(stop,), daemon=True).start()
    print("ready", flush=True)
    sys.stdin.readline()
    for _ in range(3): threading.Thread(target=park, args=(stop,), daemon=True).start()
    print("more", flush=True)
    sys.stdin.readline()
    """

    @Test("every thread of a process is switched, and the threads it starts afterwards inherit SCHED_BATCH")
    func switchesAndInherits() throws {
        let child = Process(), input = Pipe(), output = Pipe()
        child.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        child.arguments = ["python3", "-c", Self.script]
        child.standardInput = input
        child.standardOutput = output
        try child.run()
        defer {
            try? input.fileHandleForWriting.close()
            child.waitUntilExit()
        }
        let lines = output.fileHandleForReading
        #expect(Self.readLine(lines) == "ready")
        let pid = child.processIdentifier
        let before = BatchScheduling.policies(ofThreadsOf: pid)
        #expect(before.count == 5)
        #expect(Set(before.values) == [0])   // SCHED_OTHER

        #expect(try BatchScheduling.apply(toThreadsOf: pid) == 5)
        #expect(Set(BatchScheduling.policies(ofThreadsOf: pid).values) == [BatchScheduling.policy])
        #expect(try BatchScheduling.apply(toThreadsOf: pid) == 0)   // nothing left to switch

        input.fileHandleForWriting.write(Data("go\n".utf8))
        #expect(Self.readLine(lines) == "more")
        let after = BatchScheduling.policies(ofThreadsOf: pid)
        #expect(after.count == 8)
        #expect(Set(after.values) == [BatchScheduling.policy])
    }

    @Test("a process that is not there has no threads to switch")
    func goneProcess() throws {
        #expect(try BatchScheduling.apply(toThreadsOf: Int32.max) == 0)
    }

    static func readLine(_ handle: FileHandle) -> String {
        var line = Data()
        while let byte = try? handle.read(upToCount: 1), let first = byte.first, first != UInt8(ascii: "\n") {
            line.append(first)
        }
        return String(decoding: line, as: UTF8.self)
    }
}
