import Foundation
import Hummingbird

/// A request's JSON object, read strictly: at most `limit` bytes, `application/json`, UTF-8, one
/// object, no field the operation does not name, no control character in any string. Each
/// operation then takes its fields by name and type; anything else is a 400, never a 500.
struct JSONInput: Sendable {
    /// The most bytes a body may have.
    static let defaultLimit = 16 * 1024

    private let object: [String: any Sendable]

    static func read(_ request: Request, allowing fields: Set<String>, limit: Int = defaultLimit) async throws -> JSONInput {
        let type = request.headers[.contentType]?.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard type == "application/json" else { throw APIInputError.notJSON }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: limit)
        } catch {
            throw APIInputError.bodyTooLarge(limit: limit)
        }
        let bytes = Data(buffer.readableBytesView)
        // JSONSerialization takes other encodings too; the API speaks UTF-8 only.
        guard String(validating: bytes, as: UTF8.self) != nil,
              let parsed = try? JSONSerialization.jsonObject(with: bytes, options: []),
              let object = parsed as? [String: Any] else { throw APIInputError.malformedBody }
        if let unknown = object.keys.sorted().first(where: { !fields.contains($0) }) { throw APIInputError.unknownField(unknown) }
        var sendable: [String: any Sendable] = [:]
        for (key, value) in object { sendable[key] = try Self.sendable(value, field: key) }
        return JSONInput(object: sendable)
    }

    /// Strings (without control characters), booleans, integers, `null`, and arrays and objects
    /// of them are kept; a fraction or an integer beyond ±2^53 is refused (the API reads none).
    private static func sendable(_ value: Any, field: String) throws -> any Sendable {
        switch value {
        case let text as String:
            guard !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
                throw APIInputError.invalidField(field)
            }
            return text
        case let number as NSNumber:
            // JSONSerialization makes `true` and `1` both NSNumbers; only a boolean has this class.
            if type(of: number) == booleanType { return number.boolValue }
            let double = number.doubleValue
            guard double == double.rounded(), abs(double) <= 9_007_199_254_740_992 else { throw APIInputError.invalidField(field) }
            return Int(double)
        case is NSNull: return Null()
        case let array as [Any]: return try array.map { try sendable($0, field: field) }
        case let object as [String: Any]:
            var result: [String: any Sendable] = [:]
            for (key, inner) in object { result[key] = try sendable(inner, field: field + "." + key) }
            return result
        default: throw APIInputError.invalidField(field)
        }
    }

    private static let booleanType = type(of: NSNumber(value: true))

    /// A field sent as `null`: "back to the default", where an operation allows it.
    struct Null: Sendable {}

    init(object: [String: any Sendable]) {
        self.object = object
    }

    func has(_ field: String) -> Bool { object[field] != nil }

    func string(_ field: String) throws -> String {
        guard let value = try optionalString(field) else { throw APIInputError.missingField(field) }
        return value
    }

    func optionalString(_ field: String) throws -> String? {
        guard let value = object[field] else { return nil }
        guard let text = value as? String else { throw APIInputError.invalidField(field) }
        return text
    }

    func object(_ field: String, allowing fields: Set<String>) throws -> JSONInput? {
        guard let value = object[field] else { return nil }
        guard let inner = value as? [String: any Sendable] else { throw APIInputError.invalidField(field) }
        if let unknown = inner.keys.sorted().first(where: { !fields.contains($0) }) { throw APIInputError.unknownField(field + "." + unknown) }
        return JSONInput(object: inner)
    }

    func strings(_ field: String) throws -> [String]? {
        guard let value = object[field] else { return nil }
        guard let array = value as? [any Sendable] else { throw APIInputError.invalidField(field) }
        return try array.map { item in
            guard let text = item as? String else { throw APIInputError.invalidField(field) }
            return text
        }
    }

    func optionalBool(_ field: String) throws -> Bool? {
        guard let value = object[field] else { return nil }
        guard let flag = value as? Bool else { throw APIInputError.invalidField(field) }
        return flag
    }

    func optionalInt(_ field: String) throws -> Int? {
        guard let value = object[field] else { return nil }
        guard let number = value as? Int else { throw APIInputError.invalidField(field) }
        return number
    }

    /// Absent: nil (unchanged); `null`: `.some(nil)` (back to the default); a number: that number.
    func nullableInt(_ field: String) throws -> Int?? {
        guard let value = object[field] else { return nil }
        if value is Null { return .some(nil) }
        guard let number = value as? Int else { throw APIInputError.invalidField(field) }
        return .some(number)
    }
}
