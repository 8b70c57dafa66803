import GatehouseWeb
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
}
