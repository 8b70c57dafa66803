import Mustache
@testable import GatehouseWeb

/// Walks every tag of a view's templates (and the layouts they inherit) against the keys the
/// view supplies, resolving names the way swift-mustache does: the first part of a name from the
/// innermost section outwards, the rest inside what it found. Every branch is walked, shown or
/// not, so a key is checked even where the sample hides it. Reports:
/// - an unknown key: a template asks for a key no scope supplies (it would print nothing);
/// - an unused key: the view supplies a key none of its templates asks for;
/// - a tag that prints something other than text (a flag, a list), prints raw (`{{{x}}}`), or a
///   transform other than `empty` on a list;
/// - a sample that hides part of its keys (an empty list, a nil nested part), which cannot be checked.
struct TemplateKeyCheck {
    let library: MustacheLibrary
    /// Each problem once, in the order found (a key asked for in three places is one problem).
    private(set) var problems: [String] = []
    private var used: Set<String> = []

    init(library: MustacheLibrary) {
        self.library = library
    }

    /// The problems of one view, all its templates together.
    static func problems(of view: some TemplateView, library: MustacheLibrary) -> [String] {
        var check = TemplateKeyCheck(library: library)
        check.check(view)
        return check.problems
    }

    mutating func check<View: TemplateView>(_ view: View) {
        var values = view.templateValues
        // A page's layout shows the support session's banner, which the renderer supplies (`PageChrome`).
        // (A page has one HTML template; a mail has two.)
        if View.templates.count == 1, View.templates[0].format == .html { values.merge(PageChrome.sample) { kept, _ in kept } }
        for template in View.templates {
            walk(template: template.name, in: [.keys(values, path: "")], view: "\(View.self)")
        }
        for path in Self.keyPaths(values, prefix: "") where !used.contains(path) {
            report("\(View.self) supplies \(path), which none of its templates uses")
        }
    }

    private mutating func report(_ problem: String) {
        if !problems.contains(problem) { problems.append(problem) }
    }

    /// What a section puts on swift-mustache's stack, as far as names are concerned.
    enum Scope {
        /// A view or a nested part: its keys, at `path` (`sessions[].` for an item of `sessions`).
        case keys(TemplateValues, path: String)
        /// A text (a section opened on a text, or an item of a list of texts): `{{.}}` prints it.
        case text
    }

    private mutating func walk(template name: String, in stack: [Scope], view: String) {
        guard let text = library.getTemplate(named: name)?.description else {
            report("template \(name) of \(view) is missing")
            return
        }
        do {
            walk(try TemplateTag.parse(text), in: stack, template: name, view: view)
        } catch {
            report("template \(name) does not read: \(error)")
        }
    }

    private mutating func walk(_ tags: [TemplateTag], in stack: [Scope], template: String, view: String) {
        for tag in tags {
            switch tag {
            case .variable(let key, let raw):
                if raw { report("\(template) prints {{{\(key)}}} raw: templates print values with {{\(key)}} only") }
                guard let value = resolve(key, in: stack, template: template, view: view) else { continue }
                if case .text = value { continue }
                report("\(template) prints {{\(key)}}, which is \(Self.kind(value)), not a text")
            case .section(let key, let inverted, let body):
                guard let value = resolve(key, in: stack, template: template, view: view) else {
                    walk(body, in: stack, template: template, view: view)
                    continue
                }
                if inverted {
                    walk(body, in: stack, template: template, view: view)
                    continue
                }
                switch value {
                case .flag:
                    walk(body, in: stack, template: template, view: view)
                case .text:
                    walk(body, in: stack + [.text], template: template, view: view)
                case .nested(let values?):
                    walk(body, in: stack + [.keys(values, path: path(of: key, in: stack) + ".")], template: template, view: view)
                case .list(let items):
                    switch items.first {
                    case .nested(let values?)?:
                        walk(body, in: stack + [.keys(values, path: path(of: key, in: stack) + "[].")], template: template, view: view)
                    case .text?:
                        walk(body, in: stack + [.text], template: template, view: view)
                    default:
                        report("the sample of \(view) has no item in \(key), so \(template)'s {{#\(key)}} cannot be checked")
                    }
                case .nested(nil):
                    report("the sample of \(view) leaves \(key) out, so \(template)'s {{#\(key)}} cannot be checked")
                }
            case .block(_, let body):
                walk(body, in: stack, template: template, view: view)
            case .parent(let name, let body):
                walk(template: name, in: stack, view: view)
                walk(body, in: stack, template: template, view: view)
            case .partial(let name):
                walk(template: name, in: stack, view: view)
            }
        }
    }

    /// The value `key` names, with its transform applied; nil (and a problem) when there is none.
    private mutating func resolve(_ key: TemplateKey, in stack: [Scope], template: String, view: String) -> TemplateValue? {
        guard let found = lookUp(key.name, in: stack) else {
            report("\(template) asks for {{\(key)}}, which \(view) does not supply there")
            return nil
        }
        used.formUnion(found.paths)
        switch (key.transforms, found.value) {
        case ([], _):
            return found.value
        case (["empty"], .list(let items)):
            return .flag(items.isEmpty)
        default:
            report("\(template) applies \(key.transforms) to \(key.name) (\(Self.kind(found.value))); only empty(list) is supported")
            return nil
        }
    }

    /// The value `name` names and the key paths it went through (`open`, `open.profile`).
    private func lookUp(_ name: String, in stack: [Scope]) -> (value: TemplateValue, paths: [String])? {
        if name == "." {
            guard case .text? = stack.last else { return nil }
            return (.text("."), [])
        }
        let parts = name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        // `.name` looks only at the innermost scope; `name` climbs outwards.
        let scopes = parts.first == "" ? Array(stack.suffix(1)) : stack.reversed()
        let first = parts.first == "" ? parts.dropFirst().first ?? "" : parts[0]
        let rest = parts.dropFirst(parts.first == "" ? 2 : 1)
        for scope in scopes {
            guard case .keys(let values, let path) = scope, var value = values[first] else { continue }
            var paths = [path + first]
            for part in rest {
                guard case .nested(let inner?) = value, let next = inner[part] else { return nil }
                value = next
                paths.append(paths[paths.count - 1] + "." + part)
            }
            return (value, paths)
        }
        return nil
    }

    /// The path a section's key was found at, for the paths of the keys inside it.
    private func path(of key: TemplateKey, in stack: [Scope]) -> String {
        lookUp(key.name, in: stack)?.paths.last ?? key.name
    }

    /// Every key path `values` supplies: `title`, `twoStep.codeLabel`, `sessions[].device`.
    static func keyPaths(_ values: TemplateValues, prefix: String) -> [String] {
        values.flatMap { key, value -> [String] in
            let path = prefix + key
            switch value {
            case .nested(let inner?):
                return [path] + keyPaths(inner, prefix: path + ".")
            case .list(let items):
                guard case .nested(let inner?)? = items.first else { return [path] }
                return [path] + keyPaths(inner, prefix: path + "[].")
            default:
                return [path]
            }
        }.sorted()
    }

    static func kind(_ value: TemplateValue) -> String {
        switch value {
        case .text: "a text"
        case .flag: "a flag"
        case .list: "a list"
        case .nested: "a nested part"
        }
    }
}
