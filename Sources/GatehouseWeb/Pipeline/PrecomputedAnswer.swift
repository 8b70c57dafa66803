import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization

/// An answer made whole before any request: status, every header — its content type and
/// caching, the security headers `SecurityHeadersMiddleware` gives every answer, and for a
/// request with an `Origin` what `APICORSMiddleware` adds — and the body's bytes. For routes
/// that read nothing of the request but its `Origin` (discovery, the JWKS): serving one copies
/// two references, encodes nothing and runs none of the per-request middleware, which
/// `GatehouseApplication` composes only around the other routes. `gatehouse serve` gives most of
/// them before Hummingbird sees the request at all (`PrecomputedAnswerHandler`).
struct PrecomputedAnswer: Sendable {
    let sameOrigin: HTTPResponse
    let crossOrigin: HTTPResponse
    let body: ByteBuffer
    /// The same, as the router's answers.
    private let sameOriginResponse: Response
    private let crossOriginResponse: Response

    /// The headers in the order the middleware would have added them: the route's own, CORS's,
    /// then the security headers.
    init(body: [UInt8], contentType: String, cacheControl: String, securityHeaders: [HTTPField]) {
        var headers: HTTPFields = [.contentType: contentType, .contentLength: String(body.count), .cacheControl: cacheControl]
        self.body = ByteBuffer(bytes: body)
        sameOrigin = HTTPResponse(status: .ok, headerFields: headers + securityHeaders)
        headers.append(contentsOf: APICORSMiddleware.answerFields)
        crossOrigin = HTTPResponse(status: .ok, headerFields: headers + securityHeaders)
        sameOriginResponse = Response(status: .ok, headers: sameOrigin.headerFields, body: ResponseBody(byteBuffer: self.body))
        crossOriginResponse = Response(status: .ok, headers: crossOrigin.headerFields, body: ResponseBody(byteBuffer: self.body))
    }

    /// The head for a request with or without an `Origin`.
    func head(crossOrigin: Bool) -> HTTPResponse { crossOrigin ? self.crossOrigin : sameOrigin }

    func response(to request: Request) -> Response {
        request.headers[.origin] == nil ? sameOriginResponse : crossOriginResponse
    }
}

/// A path answered by a `PrecomputedAnswer` (`WebModule.precomputedRoutes`): `answer` is the
/// answer now (for the JWKS, the one of the current key set).
struct PrecomputedRoute: Sendable {
    let path: String
    let answer: @Sendable () -> PrecomputedAnswer
}

extension HTTPFields {
    fileprivate static func + (fields: HTTPFields, more: [HTTPField]) -> HTTPFields {
        var fields = fields
        fields.append(contentsOf: more)
        return fields
    }
}

/// A `PrecomputedAnswer` whose body can change while the server runs (the JWKS, when the key set
/// changes): `body()` is asked on each request, and the answer is made again only when it returns
/// other bytes. A source that keeps its bytes in one array until they change (`RS256Signer`,
/// `RotatingSigner`) costs one pointer comparison per request (`Array ==` compares identity first).
final class ChangingAnswer: Sendable {
    private let body: @Sendable () -> [UInt8]
    private let make: @Sendable ([UInt8]) -> PrecomputedAnswer
    private let current: Mutex<(body: [UInt8], answer: PrecomputedAnswer)>

    init(body: @escaping @Sendable () -> [UInt8], make: @escaping @Sendable ([UInt8]) -> PrecomputedAnswer) {
        self.body = body
        self.make = make
        let first = body()
        current = Mutex((first, make(first)))
    }

    /// The answer for the bytes `body()` gives now.
    func answer() -> PrecomputedAnswer {
        let bytes = body()
        return current.withLock { current in
            if current.body != bytes { current = (bytes, make(bytes)) }
            return current.answer
        }
    }
}
