import GatehouseCore
@testable import GatehouseCrypto
import Testing

@Suite struct RSAKeyTests {
    /// RFC 7515 appendix A.2.1: the JWK's public members.
    static let appendixN = "ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL-yRT-SFd2lZS-pCgNMsD1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSHSXndS5z5rexMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdVMTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ"
    /// RFC 7515 appendix A.2.1: the complete JWS.
    static let appendixJWS = "eyJhbGciOiJSUzI1NiJ9"
        + ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
        + ".cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZmh7AAuHIm4Bh-0Qc_lF5YKt_O8W2Fp5jujGbds9uJdbF9CUAr7t1dnZcAcQjbKBYNX4BAynRFdiuB--f_nZLgrnbyTyWzO75vRK5h6xBArLIARNPvkSjtQBMHlb1L07Qe7K0GarZRmB_eSN9383LcOLn6_dO--xi12jzDwusC-eOkHWEsqtFZESc6BfI7noOPqvhJ1phCnvWh6IeYI2w9QOYEUipUTI8np6LbgGY9Fs98rqVt5AXLIhWkWywlVmtVrBp0igcN_IoypGlUPQGe77Rw"

    @Test("the RS256 example JWS verifies with the appendix's public key (RFC 7515 appendix A.2)")
    func rfc7515AppendixA2() throws {
        let key = try RSAKey(jwkN: Self.appendixN, e: "AQAB")
        #expect(!key.hasPrivateKey)
        #expect(key.bits == 2048)
        let parts = Self.appendixJWS.split(separator: ".").map(String.init)
        let signature = try #require(Base64URL.decode(parts[2]))
        let signingInput = Array((parts[0] + "." + parts[1]).utf8)
        #expect(key.verifyRS256(signature, for: signingInput))

        var tamperedInput = signingInput
        tamperedInput[tamperedInput.count - 1] ^= 0x01
        #expect(!key.verifyRS256(signature, for: tamperedInput))
        var tamperedSignature = signature
        tamperedSignature[0] ^= 0x01
        #expect(!key.verifyRS256(tamperedSignature, for: signingInput))
        #expect(!key.verifyRS256([], for: signingInput))
    }

    @Test("the JWK thumbprint of the example key (RFC 7638 §3.1)")
    func rfc7638Thumbprint() throws {
        let n = "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"
        #expect(JWKThumbprint.rsa(n: n, e: "AQAB") == "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs")
        // The key built from those members reports the same kid and round-trips n and e.
        let key = try RSAKey(jwkN: n, e: "AQAB")
        #expect(key.kid == "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs")
        #expect(key.n == n && key.e == "AQAB")
    }

    @Test("a generated key signs, exports PKCS#8 PEM and reloads as the same key")
    func generateSignReload() throws {
        let key = TestKeys.first
        #expect(key.hasPrivateKey && key.bits == 2048)
        #expect(key.e == "AQAB")
        let modulus = try #require(Base64URL.decode(key.n))
        #expect(modulus.count == 256 && modulus[0] != 0, "n is big-endian with no leading zero (RFC 7518 §6.3.1.1)")

        let pem = try key.privatePEM()
        #expect(pem.hasPrefix("-----BEGIN PRIVATE KEY-----"))
        let reloaded = try RSAKey(privatePEM: pem)
        #expect(reloaded.kid == key.kid)

        let message = Array("header.payload".utf8)
        let signature = try reloaded.signRS256(message)
        #expect(signature.count == 256)
        #expect(key.verifyRS256(signature, for: message))
        #expect(!TestKeys.second.verifyRS256(signature, for: message))
        let publicOnly = try RSAKey(jwkN: key.n, e: key.e)
        #expect(publicOnly.verifyRS256(signature, for: message))
        #expect(throws: CryptoError.self) { try publicOnly.signRS256(message) }
    }

    @Test("the signature is the one `openssl dgst -sha256 -sign` makes (PKCS#1 v1.5 is deterministic), on every reuse of the key's prepared contexts")
    func signatureMatchesOpenSSL() async throws {
        let key = try RSAKey(privatePEM: Self.pkcs1PEM)
        let input = Array("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJnYXRlaG91c2UifQ".utf8)
        // printf '%s' "$input" | openssl dgst -sha256 -sign pkcs1.pem | basenc --base64url -w0
        let expected = "GDWCUUO_hqV7dyI2kLIeZcBC5pR8TMrK_ZORgOV7NtbMeKE6pDgDKdZI3SPA-UFfyE118_JfaKwrsMWQZwOs_UDZjslhV5SPNoGQ2vu9KhXitr_LB_iN0XFx_LjCY74FooE4vl8WEMzK3NLY6ezmHhbhaaJQHoBqcgwyH5ZBnX7pwrjUNvQITD-_FAYMnv6WRrU4gtBvhdppMzGSgWbIUNnuQ2HD54JpoQxwsgn3hc9i8LWPYVW7NtF-SzN1pxnc1WR4i1zk3E3iyK7yyHCNp3e18UPNkj9api2zPxlVrD5TXb8foYCECtdQaaGUkH7KoQxamr6SPtPTW_czaKsDew"
        #expect(Base64URL.encode(try key.signRS256(input)) == expected)
        // Many at once: each takes a context of its own, and a context given back signs again alike.
        let signatures = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<16 { group.addTask { Base64URL.encode(try key.signRS256(input)) } }
            return try await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(signatures == Array(repeating: expected, count: 16))
        #expect(Base64URL.encode(try key.signRS256(input)) == expected)
        var other = input
        other[0] ^= 1
        #expect(key.verifyRS256(try key.signRS256(other), for: other))
        #expect(!key.verifyRS256(try key.signRS256(other), for: input))
    }

    @Test("a PKCS#1 PEM (BEGIN RSA PRIVATE KEY) loads")
    func pkcs1PEM() throws {
        let key = try RSAKey(privatePEM: Self.pkcs1PEM)
        #expect(key.n == "phUy_OTkFmahN3lQonDTtkXXilJkqtez_4bIK7KSBfSWYgocixqm29E_JERFaevooJCX98GO8XbejWEGwm-_4cCwHnkoMtvDRthWn8zQSGEQhANBGONQKnU5hGUxaw1lsQCaj_FY7ylePgWGEQqlvQ-w6FodxJYPqSzpfK7OphrN9LVhqRSRmlDqUy-E6Qa8akAcoivrzuRoU5QoA7bxNrA0ANbhcC-I8SahpVSZNolH6uKmcmwgT-Bv7afz02I5WQQMdRUZe19Zcjb53pLdnbtkuaLZ8ofcKrcvUN_8PnqFnUevYC4Qz908rncIOtarsu3X7PMylmRSfRF4BUpalw")
        #expect(try RSAKey(privatePEM: key.privatePEM()).kid == key.kid)
    }

    @Test("garbage, truncated PEM and bad JWK members are errors, not crashes")
    func badInput() {
        #expect(throws: CryptoError.self) { try RSAKey(privatePEM: "") }
        #expect(throws: CryptoError.self) { try RSAKey(privatePEM: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n") }
        #expect(throws: CryptoError.self) { try RSAKey(privatePEM: String(Self.pkcs1PEM.prefix(400))) }
        #expect(throws: CryptoError.self) { try RSAKey(jwkN: "not base64!", e: "AQAB") }
        #expect(throws: CryptoError.self) { try RSAKey(jwkN: "", e: "AQAB") }
        #expect(throws: CryptoError.self) { try RSAKey.generate(bits: 1024) }
    }

    /// Made with `openssl genrsa -traditional 2048` for this test only; it signs nothing.
    static let pkcs1PEM = """
-----BEGIN RSA PRIVATE KEY-----
MIIEogIBAAKCAQEAphUy/OTkFmahN3lQonDTtkXXilJkqtez/4bIK7KSBfSWYgoc
ixqm29E/JERFaevooJCX98GO8XbejWEGwm+/4cCwHnkoMtvDRthWn8zQSGEQhANB
GONQKnU5hGUxaw1lsQCaj/FY7ylePgWGEQqlvQ+w6FodxJYPqSzpfK7OphrN9LVh
qRSRmlDqUy+E6Qa8akAcoivrzuRoU5QoA7bxNrA0ANbhcC+I8SahpVSZNolH6uKm
cmwgT+Bv7afz02I5WQQMdRUZe19Zcjb53pLdnbtkuaLZ8ofcKrcvUN/8PnqFnUev
YC4Qz908rncIOtarsu3X7PMylmRSfRF4BUpalwIDAQABAoIBABqZge1lD27TCHZl
CgK/mqOHyL9Q9j8yhZP4V0OVubNrJVFrGH/i8zR47T72vD38WD6sdIUWzWO49mii
+z0q6WApHKFU0EO3qi1E5Y15yntn0whW/mxpA7mOcCQskjSjaapmqVqX0fbuo4xq
wA/R/7zUWttr4Mv6fg70sCnq/r01gwnmCtwYaAlq5ugDmaMDrZyLmjmgC4qF9CT3
A8JWbbdEhWrYUuYTiosrX8kz7NNiCaKCkWnzY9/FtBMlrBej5qbzhjT2QoPt5D+i
El0tl3uNzucbUM3NwU+9XT1xsmUarOmFKawHE17Jt9FlbYRXxdkOnMiITeMvo2Qi
U/6Y0bkCgYEA1t8mCTI0+XuvZCk98MimY3oOJ7PSRER2zNpOsUWFvkyO0Xk+mbWU
vY0c0ekoNyY0f52Kj3Vr85d9szxxHLbdSS28LGKLmnqPd4ffGm07KSpbuHGIWG9a
rlDF6wMIficsjybQkefRhpzq+CICfyICMXnfZxq8VwFP2x3mtJHjGCsCgYEAxd9d
VCLL4mG6ViayFcg7tyY6lo302UX0cL7PWjTwn1VKvafzIQusM5scm9QMsTuNerjd
O9gpPiFgW9hl4810+OE0pPcBmkQXuK0gQbv94OzmPBvCFo/J2JswKNzKPJoeq9Ft
lRA3auDM67xVeT3F4TczIFk/npzrqCHAycDUBUUCgYA8ySwNdfKekWrwvuoS7/CC
O8k9WhWl0mh5U1jntW88gpP0loQrH79QUFdS2s7RqzE22O6V3vYHF1gsGHE3WlQH
m7ScKdSsgveLLRjkdPpDjwQbjaKwwe+5WIhlD5qbdaGZbbWbUSVpG4MtZxGlvY05
Sez1Ug7t3iUlK7RUaOEBuQKBgFoi/AK9rx664gUor2sYwYsW0Q2QMP9gzI8nfJFd
GFecpOVsQmbFSHZhrFCX8ggyVqqW18DRIUh6L8jm9NMm3qgY/sA+/O3nIt8vjkgj
eO0jPWYYRvu8GHihiPi0SzP8CQi/6ClFL9lx+idQracDKscDPDj6Lu70EK2QYqAF
RQ/5AoGAYV5y9SEgkvlfiq5mucXnDDhlbNCvhOkGjKCjpr8dWXuhqwejBwwSVRnQ
hhNUVRuSIQL+b4rloDtesJ8dbB0RkPv2u0UHOfHwhYwBcZQXgumKOJSybzqtWzpQ
TXHphj7qsMaXawnNvfsQYP6Zw187vnxR3FP+zLAhsuD8W0f6PDE=
-----END RSA PRIVATE KEY-----

"""
}
