/// A Redis reply in RESP2, the only protocol hiredis 0.14 speaks. Error replies are not a case:
/// the pool throws them as `RedisError`, so a store's happy path never has to look for them.
public enum RedisReply: Sendable, Equatable {
    /// A bulk string: binary-safe bytes.
    case string([UInt8])
    /// A simple status such as `OK` or `QUEUED`.
    case status(String)
    case integer(Int)
    case array([RedisReply])
    /// A nil bulk string or nil array (a missing key, a failed `SET ... NX`).
    case null

    /// A bulk string decoded as UTF-8 (invalid bytes replaced), or a status; nil otherwise.
    public var text: String? {
        switch self {
        case .string(let bytes): String(decoding: bytes, as: UTF8.self)
        case .status(let status): status
        default: nil
        }
    }
}
