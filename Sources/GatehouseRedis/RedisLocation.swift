import Foundation

/// Where and how to connect, parsed from the configured URL:
/// `redis://[[user]:password@]host[:port][/db]` or `unix:///absolute/path.sock[?db=N][&password=...]`.
/// Parsed by hand (not URLComponents) so IPv6 hosts, percent-encoded passwords and the unix form
/// behave the same everywhere, and so the password never reaches a log line.
struct RedisLocation: Sendable, Equatable {
    enum Address: Sendable, Equatable {
        case tcp(host: String, port: Int)
        case unix(path: String)
    }

    let address: Address
    let username: String?
    let password: String?
    let database: Int

    /// The location without credentials, for logs and errors.
    var description: String {
        switch address {
        case .tcp(let host, let port): "\(host.contains(":") ? "[\(host)]" : host):\(port) db \(database)"
        case .unix(let path): "unix:\(path) db \(database)"
        }
    }

    init(url: String) throws {
        if url.hasPrefix("rediss://") {
            throw RedisError("rediss:// (TLS) is not supported: hiredis 0.14, the version Debian 12 ships, has no TLS. "
                + "Reach Redis on loopback, through a unix socket (unix:///path/redis.sock) or through a local stunnel.")
        }
        if url.hasPrefix("redis://") {
            try self.init(tcp: String(url.dropFirst("redis://".count)))
        } else if url.hasPrefix("unix://") {
            try self.init(unix: String(url.dropFirst("unix://".count)))
        } else {
            throw RedisError("the Redis URL must start with redis:// or unix:// (got \"\(url.prefix { $0 != ":" })\")")
        }
    }

    private init(tcp rest: String) throws {
        let authorityEnd = rest.firstIndex(of: "/") ?? rest.endIndex
        var hostPort = Substring(rest[..<authorityEnd])
        (username, password) = try Self.credentials(splittingFrom: &hostPort)
        let path = rest[authorityEnd...].drop { $0 == "/" }
        guard let database = path.isEmpty ? 0 : Int(path), database >= 0 else {
            throw RedisError("the database in the Redis URL must be a number, as in redis://host:6379/0")
        }
        self.database = database
        var host = hostPort, portText: Substring = "6379"
        if hostPort.hasPrefix("["), let close = hostPort.firstIndex(of: "]") {
            host = hostPort[hostPort.index(after: hostPort.startIndex)..<close]
            let after = hostPort[hostPort.index(after: close)...]
            if after.hasPrefix(":") { portText = after.dropFirst() } else if !after.isEmpty { host = "" }
        } else if let colon = hostPort.lastIndex(of: ":") {
            host = hostPort[..<colon]
            portText = hostPort[hostPort.index(after: colon)...]
        }
        guard !host.isEmpty, let port = Int(portText), (1...65535).contains(port) else {
            throw RedisError("the Redis URL needs host and port, as in redis://127.0.0.1:6379/0")
        }
        address = .tcp(host: String(host), port: port)
    }

    private init(unix rest: String) throws {
        let queryStart = rest.firstIndex(of: "?") ?? rest.endIndex
        let path = rest[..<queryStart].removingPercentEncoding ?? ""
        guard path.hasPrefix("/"), path.utf8.count < 108 else {
            throw RedisError("a unix socket URL needs an absolute path shorter than 108 bytes, as in unix:///run/redis.sock")
        }
        var database = 0, password: String?
        for item in rest[queryStart...].dropFirst().split(separator: "&") {
            let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
            switch (parts.first, parts.count) {
            case ("db", 2):
                guard let value = Int(parts[1]), value >= 0 else { throw RedisError("db= in the Redis URL must be a number") }
                database = value
            case ("password", 2):
                password = parts[1].removingPercentEncoding
            default:
                throw RedisError("unknown parameter in the Redis URL; only db= and password= are understood")
            }
        }
        address = .unix(path: path)
        username = nil
        self.password = password
        self.database = database
    }

    /// Removes `user:password@` from the front of `authority`.
    private static func credentials(splittingFrom authority: inout Substring) throws -> (String?, String?) {
        guard let at = authority.lastIndex(of: "@") else { return (nil, nil) }
        let userInfo = authority[..<at]
        authority = authority[authority.index(after: at)...]
        guard let colon = userInfo.firstIndex(of: ":") else {
            throw RedisError("put the Redis password after a colon, as in redis://:password@host:6379")
        }
        let user = userInfo[..<colon].removingPercentEncoding ?? ""
        let password = userInfo[userInfo.index(after: colon)...].removingPercentEncoding ?? ""
        return (user.isEmpty ? nil : user, password.isEmpty ? nil : password)
    }
}
