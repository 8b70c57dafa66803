import GatehouseCore
import Hummingbird
import NIOCore

/// The console's import form as posted: `multipart/form-data` (RFC 7578), the one encoding a
/// browser sends a file with and the only one whose text fields may hold line breaks (the page
/// forms' URL encoding refuses control characters, `FormEncoding`). Text fields become
/// `RequestParameters` (so the CSRF check reads them as it reads any form); the file part, or
/// else the `data` field, is the import's bytes.
struct ImportUpload: Sendable {
    /// The text fields (not the file), decoded as UTF-8.
    var fields: RequestParameters
    /// The file's bytes, or the `data` field's; empty when neither was sent.
    var data: [UInt8]

    /// The most bytes the body may have: the file, the same again in the confirmation's hidden
    /// copy (a browser sends a textarea's line breaks as CRLF), and the form's other fields.
    static let bodyLimit = 2 * ImportFile.maximumBytes + 64 * 1024

    enum Failure: Error, Equatable {
        /// Not multipart/form-data, or without a boundary: no form of ours.
        case notMultipart
        /// Parts that do not parse.
        case malformed
    }

    static func read(_ request: Request) async throws -> ImportUpload {
        guard let boundary = boundary(request.headers[.contentType]) else { throw Failure.notMultipart }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: bodyLimit)
        } catch is NIOTooManyBytesError {
            throw WebInputError.bodyTooLarge(limit: bodyLimit)
        }
        return try parse(Array(buffer.readableBytesView), boundary: boundary)
    }

    /// The boundary parameter of a multipart/form-data Content-Type.
    static func boundary(_ contentType: String?) -> [UInt8]? {
        guard let contentType else { return nil }
        let parts = contentType.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.first?.lowercased() == "multipart/form-data" else { return nil }
        for parameter in parts.dropFirst() where parameter.lowercased().hasPrefix("boundary=") {
            var value = parameter.dropFirst("boundary=".count)
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = value.dropFirst().dropLast() }
            guard (1...70).contains(value.utf8.count) else { return nil }
            return Array(value.utf8)
        }
        return nil
    }

    static func parse(_ body: [UInt8], boundary: [UInt8]) throws -> ImportUpload {
        let delimiter = Array("--".utf8) + boundary
        let crlf: [UInt8] = [13, 10]
        var positions: [Int] = []
        var searchFrom = 0
        while let found = find(delimiter, in: body, from: searchFrom) {
            positions.append(found)
            searchFrom = found + delimiter.count
        }
        guard positions.count >= 2 else { throw Failure.malformed }
        var fields: [(name: String, value: String)] = []
        var file: [UInt8]?
        var data: [UInt8]?
        for (start, end) in zip(positions, positions.dropFirst()) {
            // A part: the delimiter, CRLF, headers, CRLF CRLF, content, CRLF before the next delimiter.
            var partStart = start + delimiter.count
            guard body[partStart..<min(partStart + 2, body.count)].elementsEqual(crlf) else { throw Failure.malformed }
            partStart += 2
            guard end - 2 >= partStart, body[(end - 2)..<end].elementsEqual(crlf),
                  let headerEnd = find(crlf + crlf, in: body, from: partStart), headerEnd + 4 <= end - 2
            else { throw Failure.malformed }
            let headers = String(decoding: body[partStart..<headerEnd], as: UTF8.self)
            let contentStart = headerEnd + 4
            let content = Array(body[contentStart..<(end - 2)])
            guard let disposition = headers.split(separator: "\r\n").first(where: { $0.lowercased().hasPrefix("content-disposition:") }),
                  let name = parameter("name", in: disposition) else { throw Failure.malformed }
            if parameter("filename", in: disposition) != nil {
                if name == "file" { file = content }
                continue
            }
            guard let value = String(validating: content, as: UTF8.self) else { throw Failure.malformed }
            if name == "data" {
                data = content
            } else {
                // The other fields are short words; a control character in them is no form of ours.
                guard value.utf8.count <= 1_024, !value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
                    throw Failure.malformed
                }
                fields.append((name, value))
            }
        }
        let chosen = (file?.isEmpty == false ? file : data) ?? []
        return ImportUpload(fields: RequestParameters(fields), data: chosen)
    }

    /// `name="value"` in a Content-Disposition header.
    static func parameter(_ key: String, in header: Substring) -> String? {
        for piece in header.split(separator: ";").dropFirst() {
            let trimmed = piece.trimmingCharacters(in: .whitespaces)
            guard trimmed.lowercased().hasPrefix(key + "=") else { continue }
            var value = trimmed.dropFirst(key.count + 1)
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = value.dropFirst().dropLast() }
            return String(value)
        }
        return nil
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count else { return nil }
        var index = start
        let first = needle[0]
        while index + needle.count <= haystack.count {
            if haystack[index] == first, haystack[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }
}
