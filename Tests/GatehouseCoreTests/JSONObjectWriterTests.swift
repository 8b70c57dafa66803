import Foundation
import GatehouseCore
import Testing

/// The hand-written JSON of the token endpoint must read back exactly as `JSONDecoder` (and so
/// any relying party) reads it, whatever the values hold.
@Suite struct JSONObjectWriterTests {
    static let awkward = ["plain", "quote \" backslash \\ slash /", "line\nfeed\rreturn\ttab", "bell \u{07} nul \u{00} us \u{1F}",
                          "é 東京 🎉", "</script>", ""]

    @Test(arguments: awkward)
    func stringsReadBackUnchanged(_ value: String) throws {
        var json = JSONObjectWriter()
        json.write("value", value)
        let decoded = try JSONDecoder().decode([String: String].self, from: Data(json.finish()))
        #expect(decoded == ["value": value])
    }

    @Test func controlCharactersAreEscapedNotRaw() {
        let literal = JSONObjectWriter.string("a\u{01}b\"c")
        #expect(literal == #""a\u0001b\"c""#)
    }

    @Test func absentOptionalsAreOmittedAndKeysKeepTheirOrder() {
        var json = JSONObjectWriter()
        json.write("a", 1)
        json.write("b", nil as String?)
        json.write("c", ["x", "y"])
        json.write("d", [] as [String])
        #expect(String(decoding: json.finish(), as: UTF8.self) == #"{"a":1,"c":["x","y"],"d":[]}"#)
        #expect(String(decoding: JSONObjectWriter().finish(), as: UTF8.self) == "{}")
    }

    @Test func accessTokenClaimsMatchTheirDecodableForm() throws {
        let claims = AccessTokenClaims(iss: "https://id.example", sub: "s\"1", aud: "client", exp: 2_000_000_000, iat: -5,
                                       jti: "j", clientID: "client", scope: "openid email", authTime: nil, sid: "sid")
        let decoded = try JSONDecoder().decode(AccessTokenClaims.self, from: Data(claims.jsonBytes))
        #expect(decoded == claims)
        #expect(!String(decoding: claims.jsonBytes, as: UTF8.self).contains("auth_time"))
    }

    @Test func aResourceAudienceMakesAudAnArrayWithTheClientFirst() throws {
        var claims = AccessTokenClaims(iss: "https://id.example", sub: "s", aud: "client", exp: 2_000_000_000, iat: 1,
                                       jti: "j", clientID: "client", scope: "gatehouse:manage", authTime: nil, sid: nil)
        claims.resourceAudiences = ["gatehouse:manage"]
        #expect(String(decoding: claims.jsonBytes, as: UTF8.self).hasPrefix(#"{"aud":["client","gatehouse:manage"],"client_id":"client""#))
        let decoded = try JSONDecoder().decode(AccessTokenClaims.self, from: Data(claims.jsonBytes))
        #expect(decoded == claims)
        #expect(decoded.audiences == ["client", "gatehouse:manage"])
    }

    @Test func tokenResponseHasTheRFC6749Names() throws {
        let response = TokenResponse(accessToken: "at", expiresIn: 300, scope: "openid", refreshToken: "rt", idToken: "id")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(response.jsonBytes)) as? [String: Any])
        #expect(object["access_token"] as? String == "at")
        #expect(object["token_type"] as? String == "Bearer")
        #expect(object["expires_in"] as? Int == 300)
        #expect(object["scope"] as? String == "openid")
        #expect(object["refresh_token"] as? String == "rt")
        #expect(object["id_token"] as? String == "id")
        let bare = TokenResponse(accessToken: "at", expiresIn: 300, scope: "", refreshToken: nil, idToken: nil)
        #expect(String(decoding: bare.jsonBytes, as: UTF8.self) == #"{"access_token":"at","expires_in":300,"token_type":"Bearer"}"#)
    }
}
