internal import CHiredis

/// Crossing the C boundary: arguments become hiredis's `argv`/`argvlen` arrays (explicit
/// lengths, so values are binary-safe; the variadic `redisCommand` cannot be called from Swift
/// anyway), and `redisReply` trees become `RedisReply` values.
extension HiredisConnection {
    /// Lays every argument out in one buffer that lives until `body` returns.
    static func withArgv<R>(
        _ arguments: [[UInt8]],
        _ body: (Int32, UnsafeMutablePointer<UnsafePointer<CChar>?>, UnsafePointer<Int>) -> R
    ) -> R {
        let storage = UnsafeMutableRawPointer.allocate(byteCount: max(1, arguments.reduce(0) { $0 + $1.count }), alignment: 1)
        defer { storage.deallocate() }
        var pointers: [UnsafePointer<CChar>?] = []
        var offset = 0
        for argument in arguments {
            argument.withUnsafeBytes { bytes in
                if let base = bytes.baseAddress { (storage + offset).copyMemory(from: base, byteCount: bytes.count) }
            }
            pointers.append(UnsafePointer((storage + offset).assumingMemoryBound(to: CChar.self)))
            offset += argument.count
        }
        let lengths = arguments.map(\.count)
        return pointers.withUnsafeMutableBufferPointer { argv in
            lengths.withUnsafeBufferPointer { argvlen in
                body(Int32(arguments.count), argv.baseAddress!, argvlen.baseAddress!)
            }
        }
    }

    /// An error reply anywhere in the tree is thrown with the server's message.
    static func decode(_ reply: UnsafeMutablePointer<redisReply>) throws -> RedisReply {
        let value = reply.pointee
        switch value.type {
        case REDIS_REPLY_STRING:
            return .string(Array(UnsafeRawBufferPointer(start: value.str, count: value.len)))
        case REDIS_REPLY_STATUS:
            return .status(String(decoding: UnsafeRawBufferPointer(start: value.str, count: value.len), as: UTF8.self))
        case REDIS_REPLY_INTEGER:
            return .integer(Int(value.integer))
        case REDIS_REPLY_NIL:
            return .null
        case REDIS_REPLY_ARRAY:
            return .array(try (0..<value.elements).map { try decode(value.element[$0]!) })
        case REDIS_REPLY_ERROR:
            throw RedisError(String(decoding: UnsafeRawBufferPointer(start: value.str, count: value.len), as: UTF8.self))
        default:
            throw RedisError("unexpected reply type \(value.type)")
        }
    }

    /// The command's name for error messages; arguments (keys, values) are never echoed.
    static func name(of arguments: [[UInt8]]) -> String {
        arguments.first.map { String(decoding: $0, as: UTF8.self).uppercased() } ?? "(empty command)"
    }
}
