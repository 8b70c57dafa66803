import Foundation
import Hummingbird
import NIOCore

/// Small constructors for the responses every endpoint builds.
enum Responses {
    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok, noStore: Bool = false) -> Response {
        json(bytes: jsonBytes(value), status: status, noStore: noStore)
    }

    /// `value` as JSON with sorted keys and unescaped slashes (`JSONEncoder`): for documents
    /// written once or rarely; the token endpoint's objects go through `JSONObjectWriter`.
    static func jsonBytes(_ value: some Encodable) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array((try? encoder.encode(value)) ?? Data("{}".utf8))
    }

    static func json(bytes: [UInt8], status: HTTPResponse.Status = .ok, noStore: Bool = false) -> Response {
        Response(status: status, headers: noStore ? jsonNoStoreHeaders : jsonHeaders,
                 body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// Made once: a value set through `HTTPFields`' subscript is checked byte by byte each time.
    private static let jsonHeaders: HTTPFields = [.contentType: "application/json"]
    private static let jsonNoStoreHeaders: HTTPFields = [.contentType: "application/json", .cacheControl: "no-store", .pragma: "no-cache"]

    static func html(_ html: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status,
                 headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
                 body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// 303 See Other: after a form POST the browser must follow with GET (RFC 9700 §4.11).
    static func seeOther(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location, .cacheControl: "no-store"])
    }

    static func text(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "text/plain; charset=utf-8"],
                 body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
