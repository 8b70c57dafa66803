import GatehouseCore
import Testing

@Suite("OAuthError.Reason: one fixed text per reason (RFC 6749 §5.2)")
struct OAuthErrorReasonTests {
    @Test("every description is printable ASCII without '\"' or '\\\\' (RFC 6749 §5.2), and no two reasons read alike")
    func texts() {
        let texts = OAuthError.Reason.allCases.map(\.description)
        for text in texts {
            #expect(!text.isEmpty && text.unicodeScalars.allSatisfy { (0x20...0x7E).contains($0.value) && $0 != "\"" && $0 != "\\" },
                    "\(text)")
        }
        #expect(Set(texts).count == texts.count, "\(texts.filter { text in texts.filter { $0 == text }.count > 1 })")
    }

    @Test("a parameter is named only when Gatehouse reads it; a grant by its RFC name")
    func names() {
        #expect(OAuthError.Reason.repeatedParameter(.grantType).description == "the parameter grant_type was included more than once")
        #expect(OAuthError.Reason.repeatedParameter(ParameterName(rawValue: "zqx")).description == "a parameter was included more than once")
        #expect(OAuthError.Reason.missingParameter(.redirectURI).description == "redirect_uri is required")
        #expect(OAuthError.Reason.grantNotAllowed(.clientCredentials).description == "this client may not use the client_credentials grant")
        #expect(OAuthError(.invalidGrant, .codeInvalidOrExpired).description == "the code is invalid or expired")
    }
}
