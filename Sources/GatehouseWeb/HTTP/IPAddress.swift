import Foundation
import GatehouseCore

/// An IPv4 or IPv6 address, parsed with `inet_pton`. IPv4-mapped IPv6 addresses
/// (`::ffff:192.0.2.1`, what a dual-stack socket reports) become the IPv4 address, so one
/// client has one spelling in rate-limit keys, sessions and logs.
public struct IPAddress: Hashable, Sendable, CustomStringConvertible {
    /// 4 or 16 bytes, network order.
    public let bytes: [UInt8]

    public init?(_ text: String) {
        self.init(text[...])
    }

    /// Reads the address out of a peer or X-Forwarded-For text: whitespace around it, `[v6]`,
    /// `[v6]:port`, `v4:port` and a `%zone` are dropped. This runs for every request (the peer,
    /// then each hop a trusted proxy reports), so the slicing is done on UTF-8 bytes and the text
    /// handed to `inet_pton` from the stack, not through Foundation's trimming and String copies.
    public init?(_ text: Substring) {
        var text = Whitespace.trimming(text)
        let utf8 = text.utf8
        if utf8.first == UInt8(ascii: "["), let close = utf8.firstIndex(of: UInt8(ascii: "]")) {
            text = text[utf8.index(after: utf8.startIndex)..<close]                // [v6] or [v6]:port
        } else if let colon = utf8.firstIndex(of: UInt8(ascii: ":")),
                  !utf8[utf8.index(after: colon)...].contains(UInt8(ascii: ":")) {
            text = text[..<colon]                                                     // v4:port
        }
        if let zone = text.utf8.firstIndex(of: UInt8(ascii: "%")) { text = text[..<zone] }  // fe80::1%eth0
        guard let bytes = Self.parse(text) else { return nil }
        self.bytes = bytes
    }

    /// `inet_pton` on a NUL-terminated copy of `text` (which, like any C string, ends at a NUL).
    private static func parse(_ text: Substring) -> [UInt8]? {
        let utf8 = text.utf8
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: utf8.count + 1) { buffer in
            var end = 0
            for byte in utf8 {
                buffer[end] = CChar(bitPattern: byte)
                end += 1
            }
            buffer[end] = 0
            var v4 = in_addr()
            if inet_pton(AF_INET, buffer.baseAddress, &v4) == 1 {
                return withUnsafeBytes(of: &v4) { Array($0) }
            }
            var v6 = in6_addr()
            guard inet_pton(AF_INET6, buffer.baseAddress, &v6) == 1 else { return nil }
            return withUnsafeBytes(of: &v6) { $0.starts(with: mappedPrefix) ? Array($0.suffix(4)) : Array($0) }
        }
    }

    private static let mappedPrefix: [UInt8] = Array(repeating: 0, count: 10) + [0xFF, 0xFF]

    public var isIPv4: Bool { bytes.count == 4 }

    /// The canonical text (`inet_ntop`).
    public var description: String {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: Int(INET6_ADDRSTRLEN)) { buffer in
            let written = bytes.withUnsafeBytes { raw in
                inet_ntop(isIPv4 ? AF_INET : AF_INET6, raw.baseAddress, buffer.baseAddress, socklen_t(buffer.count)) != nil
            }
            return written ? String(cString: buffer.baseAddress!) : "invalid"
        }
    }

    /// The key rate limits count this client under: the address itself for IPv4, the /64 for
    /// IPv6 (a single host is routinely given a whole /64, so counting per address would let it
    /// rotate through 2^64 of them).
    public var rateLimitKey: String {
        guard !isIPv4 else { return description }
        let network = IPNetwork(address: self, prefixLength: 64)
        return network.description
    }
}

/// An address block (`10.0.0.0/8`, `fd00::/8`, or one address), as listed in
/// `GATEHOUSE_TRUSTED_PROXIES`.
public struct IPNetwork: Hashable, Sendable, CustomStringConvertible {
    public let address: IPAddress
    public let prefixLength: Int

    init(address: IPAddress, prefixLength: Int) {
        let bits = address.bytes.count * 8
        let length = min(max(prefixLength, 0), bits)
        self.address = IPAddress(masked: address.bytes, prefixLength: length)
        self.prefixLength = length
    }

    /// `ADDRESS` or `ADDRESS/PREFIX`; nil when either part is malformed.
    public init?(_ text: String) {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, let address = IPAddress(String(parts[0])) else { return nil }
        let bits = address.bytes.count * 8
        var length = bits
        if parts.count == 2 {
            guard let given = Int(parts[1]), (0...bits).contains(given) else { return nil }
            length = given
        }
        self.init(address: address, prefixLength: length)
    }

    public func contains(_ candidate: IPAddress) -> Bool {
        candidate.bytes.count == address.bytes.count
            && IPAddress(masked: candidate.bytes, prefixLength: prefixLength) == address
    }

    public var description: String { "\(address)/\(prefixLength)" }
}

extension IPAddress {
    /// The first `prefixLength` bits of `bytes`, the rest zero.
    init(masked bytes: [UInt8], prefixLength: Int) {
        self.bytes = bytes.enumerated().map { index, byte in
            let keep = min(8, max(0, prefixLength - index * 8))
            return keep == 8 ? byte : byte & ~(0xFF >> UInt8(keep))
        }
    }
}
