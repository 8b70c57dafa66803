import Foundation
import GatehouseCore
import GatehouseTesting
import Testing

@Suite("base64 decoding on bytes: URL-safe for JOSE, standard with padding for HTTP Basic")
struct Base64Tests {
    @Test("base64url: every length round-trips; padding, other characters and a lone last character are refused")
    func base64url() {
        #expect(Base64URL.decode("") == [])
        #expect(Base64URL.decode("QQ") == [0x41])
        #expect(Base64URL.decode("QUE") == [0x41, 0x41])
        #expect(Base64URL.decode("QUFB") == [0x41, 0x41, 0x41])
        #expect(Base64URL.decode("-_-_") == [0xFB, 0xFF, 0xBF])
        let all = (0...255).map(UInt8.init)
        for length in 0...all.count {
            #expect(Base64URL.decode(Base64URL.encode(all.prefix(length))) == Array(all.prefix(length)))
        }
        let jws = "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJqb2UifQ"
        #expect(Base64URL.decode(jws.split(separator: ".")[1]) == Array(#"{"iss":"joe"}"#.utf8), "a Substring decodes too")
        for text in ["a", "QUFBQ", "QQ==", "QUE=", "=", "QQ=", "+/8", "Zm9v\n", " Zm9v", "Zm9v ", "Zm 9v", "Zm9vé", "Zm9v\u{0}"] {
            #expect(Base64URL.decode(text) == nil, "\(text)")
        }
    }

    /// Stricter than the Foundation version, which read "QR" as "QQ": a JWS part has one spelling.
    @Test("base64url refuses non-zero unused bits in the last character (RFC 4648 §3.5)")
    func base64urlCanonical() {
        #expect(Base64URL.decode("QQ") == [0x41])
        #expect(Base64URL.decode("QR") == nil)
        #expect(Base64URL.decode("QX") == nil)
        #expect(Base64URL.decode("QUE") == [0x41, 0x41])
        #expect(Base64URL.decode("QUF") == nil)
        #expect(Base64URL.decode("QUH") == nil)
        #expect(Base64URL.decode("-_8") == [0xFB, 0xFF])
        #expect(Base64URL.decode("-_9") == nil)
    }

    @Test("standard base64 with padding, as Data(base64Encoded:) reads it, must hold UTF-8")
    func standard() {
        #expect(Base64Standard.decode("") == "")
        #expect(Base64Standard.decode("YTpi") == "a:b")
        #expect(Base64Standard.decode("QQ==") == "A")
        #expect(Base64Standard.decode("QUE=") == "AA")
        #expect(Base64Standard.decode("Zm9vYmFy") == "foobar")
        #expect(Base64Standard.decode("Zm9v=") == "foo", "extra padding is accepted")
        #expect(Base64Standard.decode("QQ===") == "A")
        #expect(Base64Standard.decode("QUFBQQ=====") == "AAAA")
        #expect(Base64Standard.decode("QR==") == "A", "unused bits are not checked")
        #expect(Base64Standard.decode("QUF=") == "AA")
        #expect(Base64Standard.decode("AA==") == "\u{0}")
        #expect(Base64Standard.decode("w6k6Pw==") == "é:?")
        #expect(Base64Standard.decode("77u/YQ==") == "a", "String(data:encoding:) drops one leading BOM")
        #expect(Base64Standard.decode("77u/77u/YQ==") == "\u{FEFF}a")
        for text in ["QQ", "QQ=", "QUE", "Q", "Q===", "=", "==", "===", " Zm9v", "Zm9v ", "Zm9v\n", "Zm 9v", "Zm9v\r\nYmFy",
                     "-_8=", "Zm9v=Zm9v", "QQ==QQ==", "=QQ=", "Zg=\n=", "Zm9vé",
                     "/w==", "wA==", "7aCA", "w6"] {
            #expect(Base64Standard.decode(text) == nil, "\(text)")
        }
    }

    /// Stricter than Data(base64Encoded:), which read "====" as one zero byte and skipped an '='
    /// in the third place of the last group ("QQ=Q" as 0x41 0x10).
    @Test("standard base64 refuses padding alone and '=' before data")
    func standardPaddingOnlyAtTheEnd() {
        #expect(Base64Standard.decode("====") == nil)
        #expect(Base64Standard.decode("=====") == nil)
        #expect(Base64Standard.decode("QQ=Q") == nil)
        #expect(Base64Standard.decode("Zm9vQQ=Q") == nil)
    }

    @Test("the byte versions answer as Foundation did, apart from the stricter cases above")
    func sameAsFoundation() {
        var random = SeededGenerator(seed: 3)
        let atoms = ["A", "Q", "R", "g", "w", "/", "+", "-", "_", "9", "=", "==", "Zm9v", "YTpi", "77u/", " ", "\n", "é"]
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_")
        for _ in 0..<20_000 {
            var text = random.text(from: atoms, maxCount: 7)
            if Bool.random(using: &random) {
                // Mostly well-formed: an encoding of UTF-8 text, its last character, padding or alphabet varied.
                let plain = random.text(from: ["a", ":", "é", "\u{0}", "\u{FEFF}"], maxCount: 6)
                var encoded = Array(Data(plain.utf8).base64EncodedString())
                switch Int.random(in: 0..<5, using: &random) {
                case 0: encoded.removeAll { $0 == "=" }
                case 1: encoded += ["="]
                case 2: if let last = encoded.lastIndex(where: { $0 != "=" }) { encoded[last] = alphabet.randomElement(using: &random)! }
                case 3: encoded = encoded.map { $0 == "+" ? "-" : $0 == "/" ? "_" : $0 }
                default: break
                }
                text = String(encoded)
            }
            let standard = Base64Standard.decode(text).map { Array($0.utf8) }
            let oldStandard = FoundationReference.base64Standard(text).map { Array($0.utf8) }
            if standard != oldStandard {
                #expect(standard == nil && Self.paddingOnlyOrBeforeData(text), "\(text)")
            }
            let url = Base64URL.decode(text), oldURL = FoundationReference.base64URL(text)
            if url != oldURL {
                #expect(url == nil && Self.hasUnusedBitsSet(text), "\(text)")
            }
        }
    }

    /// The inputs Data(base64Encoded:) read and Base64Standard now refuses.
    static func paddingOnlyOrBeforeData(_ text: String) -> Bool {
        (!text.isEmpty && text.allSatisfy { $0 == "=" }) || text.drop { $0 != "=" }.contains { $0 != "=" }
    }

    /// A base64url text whose last character has bits set that carry no data.
    static func hasUnusedBitsSet(_ text: String) -> Bool {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        guard let last = text.last, let value = alphabet.firstIndex(of: last) else { return false }
        switch text.count % 4 {
        case 2: return value & 0x0F != 0
        case 3: return value & 0x03 != 0
        default: return false
        }
    }
}
