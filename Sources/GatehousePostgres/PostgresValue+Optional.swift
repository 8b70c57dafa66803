import Foundation

extension PostgresValue {
    /// A nullable `text` parameter.
    static func text(_ value: String?) -> PostgresValue { value.map { .text($0) } ?? .null }
    /// A nullable `uuid` parameter.
    static func uuid(_ value: UUID?) -> PostgresValue { value.map { .uuid($0) } ?? .null }
}
