import Foundation

/// An IPv4 or IPv6 address, parsed with `inet_pton`. IPv4-mapped IPv6 addresses
/// (`::ffff:192.0.2.1`, what a dual-stack socket reports) become the IPv4 address, so one
/// client has one spelling in rate-limit keys, sessions and logs.
public struct IPAddress: Hashable, Sendable, CustomStringConvertible {
    /// 4 or 16 bytes, network order.
    public let bytes: [UInt8]

    public init?(_ text: String) {
        var text = text.trimmingCharacters(in: .whitespaces)
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            text = String(text[text.index(after: text.startIndex)..<close])   // [v6] or [v6]:port
        } else if text.filter({ $0 == ":" }).count == 1 {
            text = String(text.prefix { $0 != ":" })                            // v4:port
        }
        if let zone = text.firstIndex(of: "%") { text = String(text[..<zone]) }  // fe80::1%eth0
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            bytes = withUnsafeBytes(of: &v4) { Array($0) }
            return
        }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, text, &v6) == 1 else { return nil }
        let all = withUnsafeBytes(of: &v6) { Array($0) }
        bytes = all.starts(with: Self.mappedPrefix) ? Array(all.suffix(4)) : all
    }

    private static let mappedPrefix: [UInt8] = Array(repeating: 0, count: 10) + [0xFF, 0xFF]

    public var isIPv4: Bool { bytes.count == 4 }

    /// The canonical text (`inet_ntop`).
    public var description: String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        var copy = bytes
        let ok = copy.withUnsafeMutableBytes { raw in
            inet_ntop(isIPv4 ? AF_INET : AF_INET6, raw.baseAddress, &buffer, socklen_t(buffer.count)) != nil
        }
        guard ok else { return "invalid" }
        return buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
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
