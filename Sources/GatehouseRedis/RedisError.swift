/// Why a Redis call failed: a bad URL, a connection that could not be made or was lost, a
/// timeout, or an error reply from the server (`WRONGTYPE ...`, `ERR ...`). Stores treat them
/// alike: the short-lived state is unavailable, so the request fails rather than guessing.
public struct RedisError: Error, CustomStringConvertible {
    public let message: String

    init(_ message: String) {
        self.message = message
    }

    public var description: String { "Redis: \(message)" }
}
