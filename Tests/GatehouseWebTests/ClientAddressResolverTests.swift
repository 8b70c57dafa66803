import Foundation
import GatehouseWeb
import GatehouseTestingStack
import Testing

/// The one rule for "where does this request come from" (rate limits, lockout events, sessions).
@Suite("Client address: X-Forwarded-For only from trusted proxies")
struct ClientAddressResolverTests {
    let resolver = ClientAddressResolver(trustedProxies: ["10.0.0.0/8", "fd00::/8", "192.0.2.1"].compactMap(IPNetwork.init))

    @Test("an untrusted peer is the client, whatever the header says")
    func untrustedPeer() {
        #expect(resolver.resolve(peer: "203.0.113.9", forwardedFor: ["198.51.100.1"]) == "203.0.113.9")
        #expect(ClientAddressResolver().resolve(peer: "192.0.2.1", forwardedFor: ["198.51.100.1"]) == "192.0.2.1",
                "no trusted proxies by default")
    }

    @Test("from a trusted proxy, the right-most address that is not a trusted proxy is the client")
    func rightMostUntrusted() {
        #expect(resolver.resolve(peer: "10.1.2.3", forwardedFor: ["198.51.100.1"]) == "198.51.100.1")
        #expect(resolver.resolve(peer: "10.1.2.3", forwardedFor: ["6.6.6.6, 198.51.100.1, 10.9.9.9"]) == "198.51.100.1",
                "a value the client wrote itself (left) is never believed")
        #expect(resolver.resolve(peer: "10.1.2.3", forwardedFor: ["6.6.6.6", "198.51.100.1"]) == "198.51.100.1",
                "several header lines read as one list")
        #expect(resolver.resolve(peer: "10.1.2.3", forwardedFor: ["10.0.0.7, 10.0.0.8"]) == "10.0.0.7", "all trusted: the left-most")
        #expect(resolver.resolve(peer: "10.1.2.3", forwardedFor: []) == "10.1.2.3")
        #expect(resolver.resolve(peer: "10.1.2.3", forwardedFor: ["garbage, 10.0.0.7"]) == "10.0.0.7",
                "an unreadable entry ends the walk")
        #expect(resolver.resolve(peer: "fd00::1", forwardedFor: ["[2001:db8::5]:4711"]) == "2001:db8::5")
        #expect(resolver.resolve(peer: "10.1.2.3", forwardedFor: ["198.51.100.1:8080"]) == "198.51.100.1")
    }

    @Test("addresses are canonical: IPv4-mapped IPv6 is IPv4")
    func canonical() {
        #expect(IPAddress("::ffff:203.0.113.9")?.description == "203.0.113.9")
        #expect(IPAddress("2001:DB8:0:0::1")?.description == "2001:db8::1")
        #expect(IPAddress("not an address") == nil)
        #expect(resolver.resolve(peer: "::ffff:10.1.2.3", forwardedFor: ["198.51.100.1"]) == "198.51.100.1")
    }

    @Test("networks: CIDR containment for IPv4 and IPv6; bad blocks refused")
    func networks() throws {
        let network = try #require(IPNetwork("10.20.0.0/16"))
        #expect(network.contains(try #require(IPAddress("10.20.255.1"))))
        #expect(!network.contains(try #require(IPAddress("10.21.0.1"))))
        #expect(!network.contains(try #require(IPAddress("::1"))))
        #expect(IPNetwork("2001:db8::/32")?.contains(try #require(IPAddress("2001:db8:ffff::1"))) == true)
        #expect(IPNetwork("10.0.0.0/33") == nil)
        #expect(IPNetwork("10.0.0.0/x") == nil)
        #expect(IPNetwork("example.com") == nil)
    }

    @Test("IPv6 clients are rate-limited per /64, IPv4 per address")
    func rateLimitKeys() {
        #expect(IPAddress("2001:db8:1:2:aaaa::1")?.rateLimitKey == "2001:db8:1:2::/64")
        #expect(IPAddress("2001:db8:1:2:bbbb::9")?.rateLimitKey == "2001:db8:1:2::/64")
        #expect(IPAddress("203.0.113.9")?.rateLimitKey == "203.0.113.9")
    }

    @Test("address text: spaces around it, a port, brackets and a zone are not part of the address")
    func addressText() {
        func parsed(_ text: String) -> String? { IPAddress(text)?.description }
        #expect(parsed("192.0.2.1") == "192.0.2.1")
        #expect(parsed(" 192.0.2.1 ") == "192.0.2.1")
        #expect(parsed("\t192.0.2.1\t") == "192.0.2.1")
        #expect(parsed("\u{A0}192.0.2.1\u{3000}") == "192.0.2.1", "Unicode spaces, as CharacterSet.whitespaces")
        #expect(parsed("192.0.2.1:443") == "192.0.2.1")
        #expect(parsed("192.0.2.1:") == "192.0.2.1", "the port is not read")
        #expect(parsed("[2001:db8::1]:443") == "2001:db8::1")
        #expect(parsed("[2001:db8::1]") == "2001:db8::1")
        #expect(parsed(" [2001:db8::1]:443 ") == "2001:db8::1")
        #expect(parsed("[192.0.2.1]") == "192.0.2.1")
        #expect(parsed("[::1]x:80") == "::1", "nothing after ']' is read")
        #expect(parsed("2001:db8::1") == "2001:db8::1")
        #expect(parsed("2001:0DB8:0000::0001") == "2001:db8::1")
        #expect(parsed("::ffff:192.0.2.1") == "192.0.2.1")
        #expect(IPAddress("::ffff:192.0.2.1")?.isIPv4 == true)
        #expect(parsed("[::ffff:c000:201]:80") == "192.0.2.1")
        #expect(parsed("::1") == "::1")
        #expect(parsed("::") == "::")
        #expect(parsed("fe80::1%eth0") == "fe80::1")
        #expect(parsed("[fe80::1%25eth0]:8080") == "fe80::1")
        #expect(parsed("192.0.2.1%x") == "192.0.2.1")
        #expect(IPAddress("192.0.2.1")?.bytes == [192, 0, 2, 1])
        #expect(IPAddress("2001:db8::1")?.bytes.count == 16)
    }

    @Test("what is not an address is nil")
    func garbage() {
        for text in ["", " ", "garbage", "192.0.2", "192.0.2.256", "192.0.2.1.5", "1.2.3.04", "0x7f.0.0.1", "192.0.2.1 :443",
                     "[2001:db8::1", "2001:db8::1]", "[]", "2001:db8:::1", "1:2:3:4:5:6:7:8:9", "example.com",
                     "example.com:443", "192.0.2.1,10.0.0.1", "192.0.2.1 10.0.0.1", "\n192.0.2.1", "192.0.2.1\n", "%eth0",
                     "１９２.0.2.1", "192.0.2.1/24"] {
            #expect(IPAddress(text) == nil, "\(text.debugDescription)")
        }
    }

    @Test("empty and blank X-Forwarded-For entries: skipped when empty, the end of the walk when blank")
    func emptyEntries() {
        #expect(resolver.resolve(peer: "10.1.2.3", forwardedFor: ["198.51.100.1,,"]) == "198.51.100.1")
        #expect(resolver.resolve(peer: "10.1.2.3", forwardedFor: ["198.51.100.1", ""]) == "198.51.100.1")
        #expect(resolver.resolve(peer: "10.1.2.3", forwardedFor: [",198.51.100.1"]) == "198.51.100.1")
        #expect(resolver.resolve(peer: "10.1.2.3", forwardedFor: ["198.51.100.1, "]) == "10.1.2.3")
        #expect(resolver.resolve(peer: "10.1.2.3", forwardedFor: ["198.51.100.1 ,10.0.0.9 "]) == "198.51.100.1")
        #expect(resolver.resolve(peer: "10.1.2.3", forwardedFor: ["198.51.100.1, [fd00::1]:80"]) == "198.51.100.1")
        #expect(resolver.resolve(peer: "[fd00::9]:4711", forwardedFor: ["2001:db8::7"]) == "2001:db8::7")
        #expect(resolver.resolve(peer: "not an address", forwardedFor: ["198.51.100.1"]) == "not an address",
                "an unreadable peer is passed on as it is")
        #expect(resolver.resolve(peer: nil, forwardedFor: ["198.51.100.1"]) == nil)
        #expect(ClientAddressResolver(peerOverride: " 203.0.113.5 ").resolve(peer: "10.1.2.3", forwardedFor: []) == "203.0.113.5")
    }

    @Test("the byte version reads addresses and walks X-Forwarded-For as the Foundation version did")
    func sameAsFoundation() {
        var seeded = SeededGenerator(seed: 5)
        let atoms = ["1", "9", "0", "255", ".", ":", "::", "[", "]", "%", "eth0", "ffff", "db8", "2001", " ", "\t", "\u{A0}",
                     "192.0.2.1", "10.0.0.7", "fd00::1", "::ffff:", "\u{0}", "é", ",", "/"]
        for _ in 0..<20_000 {
            let text = seeded.text(from: atoms, maxCount: 7)
            #expect(IPAddress(text)?.bytes == ReferenceIPAddress.bytes(text), "\(text.debugDescription)")
            let lines = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            #expect(resolver.resolve(peer: "10.1.2.3", forwardedFor: lines)
                    == ReferenceIPAddress.resolve(resolver, peer: "10.1.2.3", forwardedFor: lines), "\(lines)")
        }
    }
}

/// The Foundation-based address parsing and X-Forwarded-For walk that the byte version replaced,
/// kept as they were to compare the two on many inputs.
enum ReferenceIPAddress {
    static func bytes(_ text: String) -> [UInt8]? {
        var text = text.trimmingCharacters(in: .whitespaces)
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            text = String(text[text.index(after: text.startIndex)..<close])
        } else if text.filter({ $0 == ":" }).count == 1 {
            text = String(text.prefix { $0 != ":" })
        }
        if let zone = text.firstIndex(of: "%") { text = String(text[..<zone]) }
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, text, &v6) == 1 else { return nil }
        let all = withUnsafeBytes(of: &v6) { Array($0) }
        return all.starts(with: Array(repeating: 0, count: 10) + [0xFF, 0xFF]) ? Array(all.suffix(4)) : all
    }

    /// The walk as it was, on addresses this reference read; an address read here is turned into
    /// an `IPAddress` through its canonical text, the one spelling both versions read alike.
    static func resolve(_ resolver: ClientAddressResolver, peer: String?, forwardedFor: [String]) -> String? {
        func address(_ text: String) -> IPAddress? { bytes(text).flatMap { IPAddress(canonical($0)) } }
        func isTrusted(_ address: IPAddress) -> Bool { resolver.trustedProxies.contains { $0.contains(address) } }
        let peerText = resolver.peerOverride ?? peer
        guard let peerText, var client = address(peerText) else { return resolver.peerOverride ?? peer }
        guard isTrusted(client) else { return canonical(client.bytes) }
        let hops = forwardedFor.flatMap { $0.split(separator: ",") }.map(String.init)
        for hop in hops.reversed() {
            guard let hopAddress = address(hop) else { break }
            client = hopAddress
            if !isTrusted(hopAddress) { break }
        }
        return canonical(client.bytes)
    }

    static func canonical(_ bytes: [UInt8]) -> String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        _ = bytes.withUnsafeBytes { inet_ntop(bytes.count == 4 ? AF_INET : AF_INET6, $0.baseAddress, &buffer, socklen_t(buffer.count)) }
        return String(cString: buffer)
    }
}

