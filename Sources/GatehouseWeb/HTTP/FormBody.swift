import GatehouseCore
import Hummingbird
import NIOCore

/// Reads an `application/x-www-form-urlencoded` body or a query string once, with a size limit,
/// into `RequestParameters`: the one place where request parameters are decoded, so a NUL,
/// another control character, bytes that are not UTF-8 or an over-long query are refused here
/// (`FormEncoding.decode`), before any store or page sees them. Failures are `WebInputError`s;
/// each route answers them with its own 400.
enum FormBody {
    static func read(_ request: Request, limit: Int) async throws(WebInputError) -> RequestParameters {
        guard isFormEncoded(request.headers[.contentType]) else {
            throw .notFormEncoded
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw .bodyTooLarge(limit: limit)
        } catch {
            throw .unreadableBody
        }
        guard let text = buffer.getString(at: buffer.readerIndex, length: buffer.readableBytes) else {
            throw .unreadableBody
        }
        return try decode(text)
    }

    private static func decode(_ text: String) throws(WebInputError) -> RequestParameters {
        do {
            return try FormEncoding.decode(text)
        } catch {
            throw .undecodable(error)
        }
    }

    /// Whether the Content-Type's media type (RFC 9110 §8.3.1: before any `;` parameter,
    /// case-insensitive, optional spaces or tabs around it) is the form type. Compared on bytes:
    /// this runs on every token request, where Foundation's trimming cost ~2 % of a grant.
    static func isFormEncoded(_ contentType: String?) -> Bool {
        guard let contentType else { return false }
        var type = contentType.utf8.prefix { $0 != UInt8(ascii: ";") }[...]
        while let first = type.first, first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") { type = type.dropFirst() }
        while let last = type.last, last == UInt8(ascii: " ") || last == UInt8(ascii: "\t") { type = type.dropLast() }
        return type.count == formType.count
            && zip(type, formType).allSatisfy { byte, expected in
                (UInt8(ascii: "A")...UInt8(ascii: "Z") ~= byte ? byte + 32 : byte) == expected
            }
    }

    private static let formType = Array("application/x-www-form-urlencoded".utf8)

    /// Query parameters, kept in order with repeats. A query string is held to the limit of a
    /// form body (`WebSettings.maxFormBytes`, the same parameters travel in either).
    static func query(_ request: Request, limit: Int = WebSettings.defaultMaxFormBytes) throws(WebInputError) -> RequestParameters {
        guard let query = request.uri.query else { return RequestParameters([]) }
        guard query.utf8.count <= limit else { throw .queryTooLong(limit: limit) }
        return try decode(query)
    }
}

extension RequestParameters {
    /// The `request` parameter of the sign-in pages (a pending authorization's id), nil when
    /// absent. One whose format is not `PendingAuthorizationID`'s is refused (400) before it is
    /// looked up or printed into a page.
    func pendingRequestID() throws(WebInputError) -> String? {
        guard let id = self["request"] else { return nil }
        guard PendingAuthorizationID.isWellFormed(id) else {
            throw .brokenSignInLink
        }
        return id
    }
}
