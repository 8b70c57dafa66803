/// The tags of a mustache template as a tree, read without rendering it. `PageRenderer` follows
/// the layouts a template inherits (`{{<layout}}`) to check them at start-up, and
/// `TemplateViewTests` walks every tag against its view's keys. swift-mustache keeps its own
/// parse internal, so this reads the part of its syntax Gatehouse's templates may use (variables,
/// sections, inverted sections, transforms, layout inheritance, partials, comments, pragmas) and
/// refuses the rest (changed delimiters, dynamic partials) rather than guess at it.
indirect enum TemplateTag: Equatable {
    /// `{{key}}`; `raw` for `{{{key}}}` and `{{&key}}`.
    case variable(TemplateKey, raw: Bool)
    /// `{{#key}}…{{/key}}`, or `{{^key}}…{{/key}}` when `inverted`.
    case section(TemplateKey, inverted: Bool, body: [TemplateTag])
    /// `{{$name}}…{{/name}}`: a block a layout defines and a template fills in.
    case block(String, body: [TemplateTag])
    /// `{{<name}}…{{/name}}`: the template is `name` with these blocks filled in.
    case parent(String, body: [TemplateTag])
    /// `{{>name}}`.
    case partial(String)

    static func parse(_ text: String) throws -> [TemplateTag] {
        var reader = Reader(text: text)
        return try reader.tags(closing: nil)
    }

    /// The templates this one includes, its layouts and partials, at any depth of its tags.
    static func includedTemplates(_ tags: [TemplateTag]) -> [String] {
        tags.flatMap { tag -> [String] in
            switch tag {
            case .variable: []
            case .section(_, _, let body), .block(_, let body): includedTemplates(body)
            case .parent(let name, let body): [name] + includedTemplates(body)
            case .partial(let name): [name]
            }
        }
    }
}

/// A name a tag looks up: `errors`, `open.profile`, `.`, with transforms such as `empty(errors)`
/// (`transforms` outermost first, as written).
struct TemplateKey: Equatable, CustomStringConvertible {
    let name: String
    let transforms: [String]

    /// `empty(errors)` → name `errors`, transforms `["empty"]`.
    init(parsing text: Substring) throws {
        var rest = text
        var transforms: [String] = []
        while let open = rest.firstIndex(of: "(") {
            guard rest.hasSuffix(")") else { throw TemplateTagsError(message: "unbalanced transform in {{\(text)}}") }
            transforms.append(String(rest[..<open]))
            rest = rest[rest.index(after: open)..<rest.index(before: rest.endIndex)]
        }
        guard !rest.isEmpty, !rest.contains(")"), !transforms.contains(where: \.isEmpty) else {
            throw TemplateTagsError(message: "no name in {{\(text)}}")
        }
        self.name = String(rest)
        self.transforms = transforms
    }

    var description: String { transforms.reversed().reduce(name) { "\($1)(\($0))" } }
}

/// A template `TemplateTag` cannot read; `PageRenderer` refuses to start with it.
struct TemplateTagsError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

/// Reads tags left to right; a section's body is read by a nested call that returns at its
/// closing tag, so the tree mirrors the nesting and a wrong closing tag is caught.
private struct Reader {
    let text: String
    var position: String.Index

    init(text: String) {
        self.text = text
        position = text.startIndex
    }

    /// The tags up to `{{/closing}}` (or the end of the text when nil).
    mutating func tags(closing: String?) throws -> [TemplateTag] {
        var tags: [TemplateTag] = []
        while let open = text[position...].range(of: "{{") {
            let triple = text[open.upperBound...].hasPrefix("{")
            let closeMark = triple ? "}}}" : "}}"
            guard let close = text[open.upperBound...].range(of: closeMark) else {
                throw TemplateTagsError(message: "a tag is not closed: \(text[open.lowerBound...].prefix(30))")
            }
            let inside = text[open.upperBound..<close.lowerBound]
            position = close.upperBound
            if triple {
                tags.append(.variable(try TemplateKey(parsing: trimmed(inside.dropFirst())), raw: true))
                continue
            }
            let sigil = inside.first ?? " "
            let name = trimmed(inside.dropFirst())
            switch sigil {
            case "!", "%":
                continue   // a comment, a pragma
            case "=":
                throw TemplateTagsError(message: "{{\(inside)}} changes the delimiters, which Gatehouse's templates do not")
            case "/":
                guard let closing, name == closing else {
                    throw TemplateTagsError(message: "{{/\(name)}} closes \(closing.map { "{{#\($0)}}" } ?? "nothing")")
                }
                return tags
            case "#", "^":
                let key = try TemplateKey(parsing: name)
                let body = try self.tags(closing: String(name))
                tags.append(.section(key, inverted: sigil == "^", body: body))
            case "$":
                tags.append(.block(String(name), body: try self.tags(closing: String(name))))
            case "<", ">":
                guard !name.hasPrefix("*") else {
                    throw TemplateTagsError(message: "{{\(inside)}} names its template at run time, which Gatehouse's templates do not")
                }
                tags.append(sigil == "<" ? .parent(String(name), body: try self.tags(closing: String(name))) : .partial(String(name)))
            case "&":
                tags.append(.variable(try TemplateKey(parsing: name), raw: true))
            default:
                tags.append(.variable(try TemplateKey(parsing: trimmed(inside)), raw: false))
            }
        }
        if let closing { throw TemplateTagsError(message: "{{\(closing)}} is never closed") }
        return tags
    }

    private func trimmed(_ text: Substring) -> Substring {
        let start = text.firstIndex { !$0.isWhitespace } ?? text.endIndex
        let end = text.lastIndex { !$0.isWhitespace }.map(text.index(after:)) ?? start
        return text[start..<max(start, end)]
    }
}
