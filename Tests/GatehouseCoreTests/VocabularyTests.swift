import Foundation
import GatehouseCore
import Testing

@Suite("Scopes, base64url, PKCE syntax, constant-time comparison")
struct VocabularyTests {
    @Test("scope parsing follows RFC 6749 §3.3")
    func scopes() {
        #expect(Scope.parse("openid  profile openid") == ["openid", "profile"])
        #expect(Scope.parse(nil) == [])
        #expect(Scope.parse("openid \"x\"") == nil)
        #expect(Scope.parse("a\\b") == nil)
        #expect(Scope.parse("read:reports") == ["read:reports"])
    }

    @Test("connected apps say in words what they can see")
    func accessSummary() {
        #expect(Scope.accessSummary(["offline_access", "email", "openid", "profile"])
                == "Can see who you are, your name and picture, your email address · stays connected while you are away")
        #expect(Scope.accessSummary(["read:reports", "openid"]) == "Can see who you are, “read:reports”")
        #expect(Scope.accessSummary(["offline_access"]) == "Stays connected while you are away")
        #expect(Scope.accessSummary([]) == "")
    }

    @Test("base64url is strict: no padding, no standard alphabet")
    func base64url() {
        #expect(Base64URL.encode([0xfb, 0xff]) == "-_8")
        // RFC 4648 §10 vectors, URL alphabet, no padding.
        for (plain, encoded) in [("", ""), ("f", "Zg"), ("fo", "Zm8"), ("foo", "Zm9v"), ("foob", "Zm9vYg"), ("fooba", "Zm9vYmE"), ("foobar", "Zm9vYmFy")] {
            #expect(Base64URL.encode(plain) == encoded)
            #expect(Base64URL.decode(encoded) == Array(plain.utf8))
        }
        for length in 0..<40 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 * 37 + 11) }
            #expect(Base64URL.decode(Base64URL.encode(bytes)) == bytes)
        }
        #expect(Base64URL.decode("-_8") == [0xfb, 0xff])
        #expect(Base64URL.decode("+/8") == nil)
        #expect(Base64URL.decode("-_8=") == nil)
        #expect(Base64URL.decode("a") == nil)
    }

    @Test("PKCE values are 43–128 unreserved characters (RFC 7636 §4.1)")
    func pkceSyntax() {
        #expect(PKCE.isWellFormed(String(repeating: "a", count: 43)))
        #expect(PKCE.isWellFormed(String(repeating: "~", count: 128)))
        #expect(!PKCE.isWellFormed(String(repeating: "a", count: 42)))
        #expect(!PKCE.isWellFormed(String(repeating: "a", count: 129)))
        #expect(!PKCE.isWellFormed(String(repeating: "a", count: 42) + "+"))
    }

    @Test("constant-time equality")
    func constantTime() {
        #expect(ConstantTime.equals("abc", "abc"))
        #expect(!ConstantTime.equals("abc", "abd"))
        #expect(!ConstantTime.equals("abc", "abcd"))
    }
}
