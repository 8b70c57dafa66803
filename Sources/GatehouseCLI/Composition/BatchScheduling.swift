import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `gatehouse serve` runs every thread of its process under Linux's `SCHED_BATCH` policy
/// (sched(7)): a batch thread that wakes up never preempts the thread running on its core; the
/// scheduler's tick, or that thread blocking, hands the core over instead. CPU shares (nice
/// values) between threads and processes stay as they were.
///
/// Why: the server's threads are either busy with a request's work (a signature, a page) or
/// woken by the kernel for a few microseconds of I/O. Under `SCHED_OTHER` every wake-up of an
/// event loop (a socket became readable, an answer was handed over for writing) preempted the
/// thread in the middle of an RSA signature at once: the signature was paused and its caches
/// cooled for work that could wait a fraction of a millisecond, and the loop then woke again
/// for each socket instead of finding several ready. Measured by `bench/run` on the 2-core
/// development box (5 Dec 2026, release build, pairs interleaved): `client_credentials` went
/// from 0.36–0.39 to 0.32–0.34 ms of server CPU per grant and from 4,700–5,100 to 5,600–5,900
/// grants/s, context switches from 2.6 to 0.5 per grant, p99 from 7.6 to 5.5 ms; `/userinfo`
/// from 0.35–0.39 to 0.28–0.31 ms; the grants served during a login flood rose too.
///
/// A thread takes the policy of the thread that creates it, so once every thread is switched,
/// every later one (event loops, the cooperative pool, the argon2 and database pools) starts
/// switched. Threads may be created while a pass runs, so passes repeat until one finds none
/// left.
enum BatchScheduling {
    /// Why a thread could not be switched (a seccomp profile or an LSM may forbid the call).
    struct Refused: Error, CustomStringConvertible {
        let threadID: Int32
        let errno: Int32
        var description: String { "sched_setscheduler(\(threadID), SCHED_BATCH): \(String(cString: strerror(errno)))" }
    }

    /// Switches every thread of process `pid` to `SCHED_BATCH`; returns how many were switched.
    /// A thread that ends meanwhile is skipped.
    @discardableResult
    static func apply(toThreadsOf pid: Int32 = getpid()) throws -> Int {
        var switched = 0
        for _ in 0..<10 {
            var switchedThisPass = 0
            for thread in threads(of: pid) where sched_getscheduler(thread) != policy {
                var parameters = sched_param(sched_priority: 0)
                if sched_setscheduler(thread, policy, &parameters) == 0 {
                    switchedThisPass += 1
                } else if errno != ESRCH {   // ESRCH: the thread ended since it was listed
                    throw Refused(threadID: thread, errno: errno)
                }
            }
            switched += switchedThisPass
            if switchedThisPass == 0 { break }
        }
        return switched
    }

    /// The scheduling policy of each thread of process `pid`, by thread id.
    static func policies(ofThreadsOf pid: Int32) -> [Int32: Int32] {
        var policies: [Int32: Int32] = [:]
        for thread in threads(of: pid) {
            policies[thread] = sched_getscheduler(thread)
        }
        return policies
    }

    /// `SCHED_BATCH` from <sched.h> (which declares it only under `_GNU_SOURCE`).
    static let policy: Int32 = 3

    private static func threads(of pid: Int32) -> [Int32] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        return names.compactMap(Int32.init)
    }
}
