import Foundation
import GatehouseCore
import Testing

@Suite("Redirect URI matching (RFC 9700 §4.1.3, RFC 8252 §7.3)")
struct RedirectURIPolicyTests {
    func client(public isPublic: Bool, _ uris: [String]) -> Client {
        Client(id: "c", secretDigest: isPublic ? nil : [1], name: "C", redirectURIs: uris,
               grantTypes: [.authorizationCode], allowedScopes: [], createdAt: Date())
    }

    @Test("only the exact registered string matches")
    func exact() {
        let confidential = client(public: false, ["https://app.example/cb"])
        #expect(RedirectURIPolicy.verify("https://app.example/cb", for: confidential)?.uri == "https://app.example/cb")
        for candidate in ["https://app.example/cb/", "https://app.example/cb?x=1", "https://app.example/CB",
                          "https://a.example@evil/cb", "https://app.example/cb/../cb", "https://app.example/cb#x", " https://app.example/cb"] {
            #expect(RedirectURIPolicy.verify(candidate, for: confidential) == nil, "\(candidate)")
        }
    }

    @Test("a public client's loopback IP URI accepts any port, nothing else varies")
    func loopback() {
        let native = client(public: true, ["http://127.0.0.1/cb", "http://[::1]:9000/cb"])
        #expect(RedirectURIPolicy.verify("http://127.0.0.1:49152/cb", for: native) != nil)
        #expect(RedirectURIPolicy.verify("http://[::1]:1/cb", for: native) != nil)
        #expect(RedirectURIPolicy.verify("http://[::1]/cb", for: native) != nil)
        for candidate in ["http://127.0.0.1:49152/cb2", "http://127.0.0.1:80@evil.example/cb", "http://127.0.0.1.evil.example/cb",
                          "http://127.0.0.1:/cb", "http://127.0.0.1:123456/cb", "https://127.0.0.1:5/cb", "http://localhost:5/cb"] {
            #expect(RedirectURIPolicy.verify(candidate, for: native) == nil, "\(candidate)")
        }
        let confidential = client(public: false, ["http://127.0.0.1/cb"])
        #expect(RedirectURIPolicy.verify("http://127.0.0.1:5000/cb", for: confidential) == nil, "the exception is for public clients")
    }

    @Test("what may be registered: https, loopback http, reverse-domain schemes; no fragments")
    func registrable() {
        #expect(RedirectURIPolicy.isRegistrable("https://app.example/cb"))
        #expect(RedirectURIPolicy.isRegistrable("http://127.0.0.1:8080/cb"))
        #expect(RedirectURIPolicy.isRegistrable("com.example.app:/oauth"))
        #expect(!RedirectURIPolicy.isRegistrable("http://app.example/cb"))
        #expect(!RedirectURIPolicy.isRegistrable("https://app.example/cb#f"))
        #expect(!RedirectURIPolicy.isRegistrable("javascript:alert(1)"))
        #expect(!RedirectURIPolicy.isRegistrable("/relative"))
    }
}
