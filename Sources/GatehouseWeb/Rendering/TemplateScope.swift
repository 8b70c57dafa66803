import Mustache

/// A view's values as swift-mustache sees them: the only thing `PageRenderer` hands it, so what a
/// template can print is decided here, once.
///
/// - In an HTML template every text is escaped by `HTMLEscaping.escape` (on Unicode scalars;
///   swift-mustache's own escaping works per grapheme and let `"` plus U+0301 through). It is
///   handed over as a `MustacheTemplate` holding only the escaped text, which swift-mustache
///   prints by rendering it, without escaping it again. The escaped text has no `{` left, so it
///   parses to literal text and nothing in a value can act as a tag; even `{{{x}}}` prints it
///   escaped.
/// - In a plain-text mail (a `_text` template, which starts with the TEXT pragma) texts are
///   handed over raw, as plain text must be.
///
/// Keys are answered from `TemplateValues` alone, never by reflection. The view's own scope
/// records the keys it is asked for and lacks: swift-mustache looks a name up from the innermost
/// section outwards and asks the view last, so a name the view's scope lacks is a name no scope
/// had (the first part of a dotted name; `TemplateViewTests` checks every part).
struct TemplateScope: MustacheParent {
    let values: TemplateValues
    let format: TemplateFormat
    /// Set on the view's own scope only.
    let unknownKeys: UnknownKeys?

    func child(named name: String) -> Any? {
        guard let value = values[name] else {
            unknownKeys?.record(name)
            return nil
        }
        return Self.mustacheValue(value, format: format)
    }

    /// `value` in the shapes swift-mustache gives meaning to: nil is an empty section, `Bool` a
    /// condition, an array a list (with the `empty` transform), a `MustacheParent` keys, `Absent`
    /// a key without a value.
    static func mustacheValue(_ value: TemplateValue, format: TemplateFormat) -> Any? {
        switch value {
        case .text(nil), .nested(nil):
            // Not Swift's nil: that sends swift-mustache on to the enclosing scopes, so a nil in a
            // nested part would print (or show a section for) the view's key of the same name.
            return Absent()
        case .text(let text?):
            switch format {
            case .html: return escaped(text)
            case .plainText: return text
            }
        case .flag(let flag):
            return flag
        case .list(let items):
            return items.compactMap { mustacheValue($0, format: format) }
        case .nested(let values?):
            return TemplateScope(values: values, format: format, unknownKeys: nil)
        }
    }

    /// Escaped text as a template swift-mustache renders without escaping it again.
    static func escaped(_ text: String) -> MustacheTemplate {
        // Cannot fail: without `{` there is no tag to parse. Should it ever, print nothing rather than raw text.
        (try? MustacheTemplate(string: HTMLEscaping.escape(text))) ?? empty
    }

    private static let empty = try! MustacheTemplate(string: "")
}

/// A key the view supplies without a value: an empty section, an inverted section shown,
/// nothing printed, and the search for the name ends here.
struct Absent: MustacheCustomRenderable {
    var renderText: String { "" }
    var isNull: Bool { true }
}

/// The keys one rendering asked for and its view did not supply. Rendering is synchronous and
/// each rendering has its own, so it needs no lock.
final class UnknownKeys {
    private(set) var names: [String] = []

    func record(_ name: String) {
        if !names.contains(name) { names.append(name) }
    }
}
