@testable import GatehouseWeb
import Testing

/// Which Content-Type headers count as a form body (RFC 9110 §8.3.1).
@Suite struct FormBodyTests {
    @Test(arguments: ["application/x-www-form-urlencoded", "Application/X-WWW-Form-URLEncoded",
                      "application/x-www-form-urlencoded; charset=UTF-8", " application/x-www-form-urlencoded\t;charset=utf-8"])
    func formTypes(_ header: String) {
        #expect(FormBody.isFormEncoded(header))
    }

    @Test(arguments: [nil, "", "application/json", "application/x-www-form-urlencodedx", "multipart/form-data",
                      "application/x\rwww-form-urlencoded", "application\u{0F}x-www-form-urlencoded", "application/x-www-form"])
    func otherTypes(_ header: String?) {
        #expect(!FormBody.isFormEncoded(header))
    }
}
