import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// One answer of the API that is not a success: an RFC 9457 problem details body
/// (`application/problem+json`) with its status, and for token problems the RFC 6750 challenge.
/// Which error becomes which problem is decided in one place, `APIProblems`.
struct APIProblem: Error, Equatable, Sendable {
    var status: HTTPResponse.Status
    /// A short, stable name; the problem's `type` is `urn:gatehouse:problem:<name>`.
    var name: String
    var title: String
    var detail: String
    /// `WWW-Authenticate`, for 401 and 403 answers about the token.
    var challenge: String?

    var type: String { "urn:gatehouse:problem:" + name }

    struct Body: Encodable {
        let type: String
        let title: String
        let status: Int
        let detail: String
    }

    var response: Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(Body(type: type, title: title, status: status.code, detail: detail))) ?? Data("{}".utf8)
        var headers: HTTPFields = [.contentType: "application/problem+json", .cacheControl: "no-store"]
        if let challenge { headers[.wwwAuthenticate] = challenge }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
