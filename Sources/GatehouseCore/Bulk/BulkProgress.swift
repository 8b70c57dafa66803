import Foundation

/// Announces a job's progress to whoever asked for it on the live event stream (`/events`):
/// `bulk.progress` at most every `interval` per job (the page's bar needs no more), and
/// `bulk.finished` once, when its last item ends. A job made at the shell is announced to the
/// `super_admin`s.
public actor BulkProgress {
    let events: (any LiveEventBus)?
    let clock: any Clock
    let interval: TimeInterval
    var lastAnnounced: [UUID: Date] = [:]

    public init(events: (any LiveEventBus)?, clock: any Clock, interval: TimeInterval = 0.25) {
        self.events = events
        self.clock = clock
        self.interval = interval
    }

    public func report(_ job: BulkJob) async {
        guard let events else { return }
        let now = clock.now
        let finished = job.status == .done && job.counts.processed == job.counts.total
        if finished {
            lastAnnounced[job.id] = nil
        } else {
            if let last = lastAnnounced[job.id], now.timeIntervalSince(last) < interval { return }
            lastAnnounced[job.id] = now
        }
        try? await events.publish(Self.event(job, finished ? .bulkFinished : .bulkProgress, at: now))
    }

    /// The event: the job's id, status and counts, for its requester.
    public static func event(_ job: BulkJob, _ type: LiveEventType, at now: Date) -> LiveEvent {
        LiveEvent(type: type, occurredAt: now,
                  data: ["job_id": job.id.uuidString.lowercased(), "status": job.status.rawValue, "total": String(job.counts.total),
                         "done": String(job.counts.done), "skipped": String(job.counts.skipped), "failed": String(job.counts.failed)],
                  audience: LiveEventAudience(userID: job.requestedBy, platformRole: job.requestedBy == nil ? .superAdmin : nil))
    }
}

extension LiveEventType {
    /// A bulk job moved on: `job_id`, `status`, `total`, `done`, `skipped`, `failed`.
    public static let bulkProgress = LiveEventType(rawValue: "bulk.progress")
    /// A bulk job's last item ended (same fields).
    public static let bulkFinished = LiveEventType(rawValue: "bulk.finished")
}
