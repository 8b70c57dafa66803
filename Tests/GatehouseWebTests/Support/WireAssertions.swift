import Foundation
import GatehouseCore
import HTTPTypes
import HummingbirdTesting
import Testing

/// The exact body of an RFC 6749 §5.2 error, as Gatehouse writes it (sorted keys, no extra
/// whitespace): tests compare whole bodies, so a changed word or an extra member fails.
func oauthErrorBody(_ error: String, _ description: String) -> String {
    #"{"error":"\#(error)","error_description":"\#(description)"}"#
}

/// Asserts an OAuth error answer on the wire: the status, the exact body and `no-store`
/// (RFC 6749 §5.1 for the token endpoint; Gatehouse says it on every OAuth error).
func expectOAuthError(_ response: TestResponse, _ status: HTTPResponse.Status, _ error: String, _ description: String,
                      _ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(response.status == status, comment, sourceLocation: sourceLocation)
    #expect(response.text == oauthErrorBody(error, description), comment, sourceLocation: sourceLocation)
    #expect(response.headers[.cacheControl] == "no-store", comment, sourceLocation: sourceLocation)
}

/// The `WWW-Authenticate` challenge of a refused bearer token (RFC 6750 §3).
func bearerChallenge(_ error: String, _ description: String) -> String {
    #"Bearer realm="gatehouse", error="\#(error)", error_description="\#(description)""#
}

/// Asserts a protected resource's refusal (RFC 6750 §3.1): status, body and challenge, word for word.
func expectBearerError(_ response: TestResponse, _ status: HTTPResponse.Status, _ error: String, _ description: String,
                       _ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation) {
    expectOAuthError(response, status, error, description, comment, sourceLocation: sourceLocation)
    #expect(response.headers[.wwwAuthenticate] == bearerChallenge(error, description), comment, sourceLocation: sourceLocation)
}
