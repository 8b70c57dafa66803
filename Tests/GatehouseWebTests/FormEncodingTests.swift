import GatehouseCore
import GatehouseTesting
@testable import GatehouseWeb
import Testing

@Suite("Form decoding (WHATWG URL §5.1) on bytes, answering as the Foundation version did")
struct FormEncodingTests {
    @Test("form decoding keeps order and repeats, and refuses bad percent-encoding")
    func forms() throws {
        let parameters = try #require(FormEncoding.parse("a=1&b=x+y&a=2&c=%C3%A9&d="))
        #expect(parameters["a"] == "1")
        #expect(parameters["b"] == "x y")
        #expect(parameters["c"] == "é")
        #expect(parameters["d"] == nil, "an empty value counts as absent (RFC 6749 §3.1)")
        #expect(parameters.repeatedNames == ["a"])
        #expect(FormEncoding.parse("a=%ZZ") == nil)
        #expect(FormEncoding.appendingQuery(to: "https://a/cb?x=1", [("state", "a b&c")]) == "https://a/cb?x=1&state=a%20b%26c")
    }

    @Test("decodeComponent: '+' is a space, %XX is a byte in either case of hex, the result must be UTF-8")
    func components() {
        #expect(FormEncoding.decodeComponent("") == "")
        #expect(FormEncoding.decodeComponent("plain-text_1.2~") == "plain-text_1.2~")
        #expect(FormEncoding.decodeComponent("+") == " ")
        #expect(FormEncoding.decodeComponent("a+b%2B") == "a b+")
        #expect(FormEncoding.decodeComponent("%41") == "A")
        #expect(FormEncoding.decodeComponent("%4a%4A") == "JJ")
        #expect(FormEncoding.decodeComponent("%25%2b") == "%+")
        #expect(FormEncoding.decodeComponent("%C3%A9") == "é")
        #expect(FormEncoding.decodeComponent("%e2%82%ac+%F0%9F%98%80") == "€ 😀")
        #expect(FormEncoding.decodeComponent("é€😀") == "é€😀", "raw UTF-8 passes through")
        #expect(FormEncoding.decodeComponent("é+%41") == "é A")
        #expect(FormEncoding.decodeComponent("a\r\nb") == "a\r\nb")
        #expect(FormEncoding.decodeComponent("a%09b%0D%0Ac") == "a\tb\r\nc", "tab and line breaks are text")
    }

    @Test("NUL and the other C0 controls but tab, LF and CR are refused, escaped or raw")
    func controlCharacters() {
        for text in ["%00", "a%00", "\u{0}", "a\u{0}b", "%01", "%07", "%08", "%0B", "%0C", "%1B", "%1F", "\u{1F}", "a+%00+b"] {
            #expect(FormEncoding.decodeComponent(text) == nil, "\(Array(text.utf8))")
        }
        for text in ["%7F", "%C2%80", "%C2%9F", "%20", "\u{7F}", "%E2%80%8B"] {
            #expect(FormEncoding.decodeComponent(text) != nil, "\(text): DEL, C1 controls and the rest are PostgreSQL-safe text")
        }
        for byte in UInt8(0)...UInt8(0x7F) {
            #expect(ControlCharacters.isRefused(byte) == (byte < 0x20 && ![0x09, 0x0A, 0x0D].contains(byte)), "\(byte)")
        }
    }

    @Test("decode says which parameter broke which rule")
    func decodeErrors() throws {
        #expect(throws: FormDecodingError(problem: .controlCharacter, parameter: "client_id")) {
            try FormEncoding.decode("response_type=code&client_id=abc%00")
        }
        #expect(throws: FormDecodingError(problem: .notUTF8, parameter: "state")) { try FormEncoding.decode("state=%FF") }
        #expect(throws: FormDecodingError(problem: .badEscape, parameter: "a")) { try FormEncoding.decode("a=%4") }
        #expect(throws: FormDecodingError(problem: .controlCharacter, parameter: nil)) { try FormEncoding.decode("ok=1&%00=1") }
        #expect(throws: FormDecodingError(problem: .controlCharacter, parameter: "x")) { try FormEncoding.decode("x=\u{1}") }
        #expect(try FormEncoding.decode("a=1%092").pairs.map { [$0.name, $0.value] } == [["a", "1\t2"]])
    }

    /// The words travel as `error_description` and on the "Invalid request" page, so they name a
    /// parameter only when Gatehouse reads it: a name the request made up is input too.
    @Test("the refusal names the parameter and the rule, and only a parameter Gatehouse reads")
    func decodeErrorWords() {
        func words(_ problem: FormDecodingError.Problem, _ parameter: String?) -> String {
            WebInputError.undecodable(FormDecodingError(problem: problem, parameter: parameter)).description
        }
        #expect(words(.controlCharacter, "client_id")
                == "the value of client_id holds a control character (NUL, or a C0 control other than tab and line breaks)")
        #expect(words(.notUTF8, "state") == "the value of state is not UTF-8")
        #expect(words(.badEscape, "email") == "the value of email has a '%' that is not followed by two hex digits")
        #expect(words(.badEscape, "a") == "a parameter value has a '%' that is not followed by two hex digits",
                "a is no parameter Gatehouse reads")
        #expect(words(.notUTF8, nil) == "a parameter name is not UTF-8")
        for odd in ["<b>", "a b", "\u{301}", String(repeating: "n", count: 41), "", "zqx_marker", "Client_ID"] {
            #expect(words(.notUTF8, odd) == "a parameter value is not UTF-8", "\(odd) is not repeated")
        }
    }

    @Test("decodeComponent refuses a broken escape or bytes that are not UTF-8")
    func badComponents() {
        for text in ["%", "a%", "%4", "100%", "%zz", "%g0", "%%41", "%4%41", "%+1", "% 1", "%é",
                     "%FF", "%80", "%C3", "%C3é", "%E2%82", "%C0%80", "%ED%A0%80", "%F4%90%80%80"] {
            #expect(FormEncoding.decodeComponent(text) == nil, "\(text)")
        }
    }

    /// CoreFoundation, under removingPercentEncoding, turned a lone 0xA9 byte (and no other
    /// invalid byte) into U+FFFD; it is now refused like every other byte that is not UTF-8.
    @Test("a lone %A9 is not UTF-8 either")
    func loneA9() {
        #expect(FormEncoding.decodeComponent("%A9") == nil)
        #expect(FormEncoding.decodeComponent("a%A9b") == nil)
        #expect(FormEncoding.decodeComponent("%C3%A9") == "é")
        #expect(FormEncoding.decodeComponent("%C2%A9") == "©")
    }

    @Test("a leading byte order mark is dropped, as CoreFoundation's UTF-8 decoding did")
    func byteOrderMark() {
        #expect(FormEncoding.decodeComponent("\u{FEFF}") == "")
        #expect(FormEncoding.decodeComponent("\u{FEFF}grant_type") == "grant_type", "with no '%' or '+' too")
        #expect(FormEncoding.decodeComponent("%EF%BB%BFa+b") == "a b")
        #expect(FormEncoding.decodeComponent("\u{FEFF}\u{FEFF}a") == "\u{FEFF}a", "only one")
        #expect(FormEncoding.decodeComponent("a\u{FEFF}") == "a\u{FEFF}", "only at the start")
        #expect(FormEncoding.parse("\u{FEFF}grant_type=client_credentials")?["grant_type"] == "client_credentials")
    }

    @Test("parse keeps order and repeats, skips empty pieces, and refuses the whole form for one bad component")
    func parse() {
        func pairs(_ text: String) -> [[String]]? { FormEncoding.parse(text)?.pairs.map { [$0.name, $0.value] } }
        #expect(pairs("") == [])
        #expect(pairs("&") == [])
        #expect(pairs("&&") == [])
        #expect(pairs("a=1&b=2&a=3") == [["a", "1"], ["b", "2"], ["a", "3"]])
        #expect(pairs("a=1&&b=2&") == [["a", "1"], ["b", "2"]])
        #expect(pairs("a") == [["a", ""]], "no '=': a name with an empty value")
        #expect(pairs("a&b") == [["a", ""], ["b", ""]])
        #expect(pairs("a=") == [["a", ""]])
        #expect(pairs("=x") == [["", "x"]], "an empty name is kept")
        #expect(pairs("=") == [["", ""]])
        #expect(pairs("a=1&=&b") == [["a", "1"], ["", ""], ["b", ""]])
        #expect(pairs("a==b") == [["a", "=b"]], "split at the first '='")
        #expect(pairs("x%3Dy=1%262") == [["x=y", "1&2"]], "escaped separators are data")
        #expect(pairs("a+b=c+d") == [["a b", "c d"]])
        #expect(pairs("c=%C3%A9&é=€") == [["c", "é"], ["é", "€"]])
        #expect(pairs("a=b\r\n&c=d") == [["a", "b\r\n"], ["c", "d"]])
        #expect(pairs("a=%zz&b=1") == nil)
        #expect(pairs("b=1&%FF") == nil)
        #expect(pairs("b=1&a=%") == nil)
    }

    /// The Foundation version matched '&', '=' and '+' as Swift Characters, so one followed by a
    /// combining mark was not a separator ("&\u{301}" is one Character). WHATWG URL §5.1 splits
    /// on bytes, as this does; only input with such a sequence reads differently.
    @Test("separators are bytes: a combining mark after one does not hide it")
    func separatorsAreBytes() {
        #expect(FormEncoding.parse("a=1&\u{301}b=2")?.pairs.map { [$0.name, $0.value] } == [["a", "1"], ["\u{301}b", "2"]])
        #expect(FormEncoding.parse("a=\u{301}")?.pairs.map { [$0.name, $0.value] } == [["a", "\u{301}"]])
        #expect(FormEncoding.decodeComponent("+\u{301}") == " \u{301}")
    }

    @Test("the byte version answers as Foundation's replacingOccurrences + removingPercentEncoding did")
    func sameAsFoundation() {
        var random = SeededGenerator(seed: 7)
        let atoms = ["a", "Z", "0", "~", " ", "&", "=", "+", "%", "%4", "%41", "%6a", "%2B", "%26", "%3D", "%25",
                     "%C3", "%A9", "%c3%a9", "%FF", "%E2%82%AC", "%F0%9F%98%80", "%ED%A0%80", "%00", "%zz",
                     "%EF%BB%BF", "\u{FEFF}", "é", "€", "😀", "\u{0}", "\r\n"]
        for _ in 0..<20_000 {
            let text = random.text(from: atoms, maxCount: 8)
            // Compared as bytes: String's == would let canonically equivalent spellings pass. The
            // one difference allowed is the lone %A9, the only way to U+FFFD from these atoms.
            let old = FoundationReference.decodeComponent(text)
            let new = FormEncoding.decodeComponent(text)
            // The other: NUL and C0 controls are refused now (`ControlCharacters`).
            if !(new == nil && (old?.contains("\u{FFFD}") == true || old.map { ControlCharacters.isPresent(in: $0) } == true)) {
                #expect(new.map { Array($0.utf8) } == old.map { Array($0.utf8) }, "\(Array(text.utf8))")
            }
            let oldPairs = FoundationReference.parse(text)
            let pairs = FormEncoding.parse(text)
            if !(pairs == nil && oldPairs?.joined().contains { $0.contains("\u{FFFD}") || ControlCharacters.isPresent(in: $0) } == true) {
                #expect(pairs?.pairs.map { [Array($0.name.utf8), Array($0.value.utf8)] }
                        == oldPairs?.map { $0.map { Array($0.utf8) } }, "\(Array(text.utf8))")
            }
        }
    }
}
