import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization

/// An answer made whole before any request: status, every header — its content type and
/// caching, the security headers `SecurityHeadersMiddleware` gives every answer, and for a
/// request with an `Origin` what `APICORSMiddleware` adds — and the body's bytes. For routes
/// that read nothing of the request but its `Origin` (discovery, the JWKS): serving one copies
/// two references, encodes nothing and runs none of the per-request middleware, which
/// `GatehouseApplication` composes only around the other routes.
struct PrecomputedAnswer: Sendable {
    let sameOrigin: Response
    let crossOrigin: Response

    /// The headers in the order the middleware would have added them: the route's own, CORS's,
    /// then the security headers.
    init(body: [UInt8], contentType: String, cacheControl: String, securityHeaders: [HTTPField]) {
        var headers: HTTPFields = [.contentType: contentType, .contentLength: String(body.count), .cacheControl: cacheControl]
        let buffer = ByteBuffer(bytes: body)
        sameOrigin = Response(status: .ok, headers: headers + securityHeaders, body: ResponseBody(byteBuffer: buffer))
        headers.append(contentsOf: APICORSMiddleware.answerFields)
        crossOrigin = Response(status: .ok, headers: headers + securityHeaders, body: ResponseBody(byteBuffer: buffer))
    }

    func response(to request: Request) -> Response {
        request.headers[.origin] == nil ? sameOrigin : crossOrigin
    }
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

    func response(to request: Request) -> Response {
        let bytes = body()
        let answer = current.withLock { current in
            if current.body != bytes { current = (bytes, make(bytes)) }
            return current.answer
        }
        return answer.response(to: request)
    }
}
