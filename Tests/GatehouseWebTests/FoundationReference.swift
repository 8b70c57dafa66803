import Foundation
import GatehouseCore

/// The Foundation-based parsers that `FormEncoding` and `ClientCredentials(authorization:form:)`
/// replaced when they were rewritten on bytes, kept as they were so the tests can compare the two
/// on many inputs: the byte versions must answer exactly as these did, apart from the
/// differences each comparison names. (The base64 references are in the Core tests'
/// `FoundationReference`, beside `Base64Standard` and `Base64URL`.)
enum FoundationReference {
    static func decodeComponent(_ text: String) -> String? {
        text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }

    static func parse(_ text: String) -> [[String]]? {
        var pairs: [[String]] = []
        for piece in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = piece.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = decodeComponent(String(parts[0])),
                  let value = decodeComponent(parts.count > 1 ? String(parts[1]) : "") else { return nil }
            pairs.append([name, value])
        }
        return pairs
    }

    static func base64Standard(_ text: String) -> String? {
        guard let data = Data(base64Encoded: text) else { return nil }
        return String(data: data, encoding: .utf8)
    }

    static func credentials(authorizationHeader: String?, form: RequestParameters) throws(OAuthError) -> ClientCredentials {
        if let header = authorizationHeader, header.lowercased().hasPrefix("basic ") {
            if form["client_secret"] != nil {
                throw OAuthError(.invalidRequest, .twoAuthenticationMethods)
            }
            guard let decoded = base64Standard(String(header.dropFirst(6)).trimmingCharacters(in: .whitespaces)),
                  let colon = decoded.firstIndex(of: ":"),
                  let id = decodeComponent(String(decoded[..<colon])),
                  let secret = decodeComponent(String(decoded[decoded.index(after: colon)...])),
                  !id.isEmpty else {
                throw OAuthError(.invalidClient, .malformedBasicCredentials)
            }
            if let formID = form["client_id"], formID != id {
                throw OAuthError(.invalidRequest, .clientIDMismatch)
            }
            return ClientCredentials(clientID: id, secret: secret, method: .basic)
        }
        guard let id = form["client_id"] else {
            throw OAuthError(.invalidClient, .clientAuthenticationRequired)
        }
        if let secret = form["client_secret"] {
            return ClientCredentials(clientID: id, secret: secret, method: .post)
        }
        return ClientCredentials(clientID: id, secret: nil, method: .none)
    }
}

