import Logging

/// The log handler of `gatehouse`: swift-log's `StreamLogHandler` on standard error, with the
/// handler's own metadata kept as a dictionary and formatted only when a line is written.
/// `StreamLogHandler` formats its metadata into a string whenever it changes, and Hummingbird
/// gives every request's logger an id (`hb.request.id`): that string was built for every request
/// although nearly none logs a line (about 4 % of a discovery answer's CPU in `BENCH_PERF`).
/// Lines read the same: the metadata goes to the stream handler with the line, where it is merged
/// and sorted as before.
struct DeferredMetadataLogHandler: LogHandler {
    private var stream: StreamLogHandler
    var metadata: Logger.Metadata = [:]

    init(label: String) {
        stream = StreamLogHandler.standardError(label: label)
    }

    /// Writing to `stream` instead (tests).
    init(label: String, stream: any TextOutputStream & Sendable) {
        self.stream = StreamLogHandler(label: label, stream: stream)
    }

    var logLevel: Logger.Level {
        get { stream.logLevel }
        set { stream.logLevel = newValue }
    }

    var metadataProvider: Logger.MetadataProvider? {
        get { stream.metadataProvider }
        set { stream.metadataProvider = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var event = event
        if !metadata.isEmpty {
            event.metadata = metadata.merging(event.metadata ?? [:]) { _, explicit in explicit }
        }
        stream.log(event: event)
    }
}
