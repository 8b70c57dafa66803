import Foundation

/// The Foundation-based base64 decoding that `Base64Standard` and `Base64URL` replaced when they
/// were rewritten on bytes, kept as it was so the tests can compare the two on many inputs: the
/// byte versions must answer exactly as these did, apart from the differences each comparison
/// names. (The form and Basic-credential references are in the web tests' `FoundationReference`.)
enum FoundationReference {
    static func base64Standard(_ text: String) -> String? {
        guard let data = Data(base64Encoded: text) else { return nil }
        return String(data: data, encoding: .utf8)
    }

    static func base64URL(_ text: String) -> [UInt8]? {
        let alphabet = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
        guard text.utf8.allSatisfy(alphabet.contains) else { return nil }
        var standard = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        switch standard.count % 4 {
        case 2: standard += "=="
        case 3: standard += "="
        case 1: return nil
        default: break
        }
        return Data(base64Encoded: standard).map(Array.init)
    }
}
