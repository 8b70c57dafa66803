import Foundation
import GatehouseCore
import Testing

@Suite("Recovery codes and the authentication methods they add (RFC 8176)")
struct RecoveryCodesTests {
    @Test("typed codes are normalized: case, dashes and spaces do not matter; look-alike letters are refused")
    func normalization() {
        #expect(RecoveryCodes.normalized("ABCD-EFGH-JKMN") == "abcdefghjkmn")
        #expect(RecoveryCodes.normalized(" abcd efgh jkmn ") == "abcdefghjkmn")
        #expect(RecoveryCodes.normalized("abcd-efgh-jkm") == nil, "too short")
        #expect(RecoveryCodes.normalized("abcd-efgh-jkm0") == nil, "0 is not in the alphabet")
        #expect(RecoveryCodes.normalized("abcd-efgh-jkml") == nil, "l is not in the alphabet")
    }

    @Test("amr gains the factor's method and mfa once each; acr follows amr")
    func methods() {
        #expect(AuthenticationMethods.combined(["pwd"], ["otp"]) == ["pwd", "otp", "mfa"])
        #expect(AuthenticationMethods.combined(["pwd", "otp", "mfa"], ["otp"]) == ["pwd", "otp", "mfa"])
        #expect(AuthenticationMethods.combined(["pwd"], []) == ["pwd", "mfa"])
        #expect(AuthenticationMethods.contextClass(for: ["pwd"]) == "pwd")
        #expect(AuthenticationMethods.contextClass(for: ["pwd", "otp", "mfa"]) == "mfa")
    }
}
