import Mustache

/// A view model as an HTML template sees it: every text value already escaped by
/// `HTMLEscaping.escape`, whatever the template does with it. `PageRenderer` wraps each view of
/// an HTML template in one, so no page and no HTML mail can print a value any other way.
///
/// How it gets past swift-mustache's own escaping (per grapheme, see `HTMLEscaping`): a text
/// value is handed over as a `MustacheTemplate` holding only the escaped text, and swift-mustache
/// prints a template-valued variable by rendering it, without escaping it again. The escaped text
/// has no `{` left, so it parses to literal text and nothing in a value can act as a tag. Even
/// `{{{x}}}` prints the escaped text. Everything else keeps the meaning swift-mustache gives it:
/// nil and `false` are empty sections, arrays are lists, numbers print as digits, and a nested
/// struct is looked into the same way (`Mirror`, stored properties only).
struct EscapedView: MustacheParent {
    let value: Any

    func child(named name: String) -> Any? {
        guard let found = Mirror(reflecting: value).children.first(where: { $0.label == name }) else { return nil }
        return Self.wrap(found.value)
    }

    /// `value` as templates may see it; nil for an empty optional.
    static func wrap(_ value: Any) -> Any? {
        let mirror = Mirror(reflecting: value)
        if mirror.displayStyle == .optional {
            guard let wrapped = mirror.children.first?.value else { return nil }
            return wrap(wrapped)
        }
        switch value {
        case let text as String: return escaped(text)
        case let text as Substring: return escaped(String(text))
        case let character as Character: return escaped(String(character))
        case is Bool, is any BinaryInteger, is any BinaryFloatingPoint: return value
        default: break
        }
        switch mirror.displayStyle {
        case .collection?, .set?:
            return mirror.children.map { wrap($0.value) as Any }
        case .dictionary?:
            var dictionary: [String: Any] = [:]
            for entry in mirror.children {
                let pair = Array(Mirror(reflecting: entry.value).children)
                guard pair.count == 2 else { continue }
                dictionary[String(describing: pair[0].value)] = wrap(pair[1].value)
            }
            return dictionary
        case .struct?, .class?, .tuple?:
            return EscapedView(value: value)
        default:
            return escaped(String(describing: value))   // enums and anything else print their description
        }
    }

    /// Escaped text as a template swift-mustache renders without escaping it again.
    static func escaped(_ text: String) -> MustacheTemplate {
        // Cannot fail: without `{` there is no tag to parse. Should it ever, print nothing rather than raw text.
        (try? MustacheTemplate(string: HTMLEscaping.escape(text))) ?? empty
    }

    private static let empty = try! MustacheTemplate(string: "")
}
