import Foundation
import Logging
import Mustache

/// Renders the hosted pages and the mails from `templates/` with swift-mustache.
///
/// Refuses to start unless every template of every view in `RenderedViews` is there, with the
/// layouts they inherit, readable and of its view's format (a missing directory would otherwise
/// give an empty library silently). The list is derived from the views, never kept by hand.
///
/// A view reaches a template only as its `TemplateValues`, through `TemplateScope`: in HTML every
/// text is escaped by the one `HTMLEscaping.escape`; in the plain-text part of a mail (which
/// starts with `{{% CONTENT_TYPE: TEXT}}`) texts print as they are. A key a template asks for
/// and the view does not supply renders as nothing and is logged (`TemplateViewTests` fails on
/// it for the templates in this repository).
public struct PageRenderer: Sendable {
    let library: MustacheLibrary
    /// The one stylesheet, served at `/static/gatehouse.css`.
    public let stylesheet: String
    let logger: Logger

    /// The templates the views fill, each once (mails share `mail_layout`, pages `layout`, which
    /// the start-up check finds by reading the templates).
    static let viewTemplates: Set<TemplateName> = Set(RenderedViews.all.flatMap { $0.templates })

    public init(directory: String, logger: Logger = Logger(label: "gatehouse.pages")) async throws {
        let url = URL(fileURLWithPath: directory, isDirectory: true)
        let library = try await MustacheLibrary(directory: url.path)
        try Self.check(library, directory: url.path)
        self.library = library
        self.logger = logger
        do {
            stylesheet = try String(contentsOf: url.appendingPathComponent("gatehouse.css"), encoding: .utf8)
        } catch {
            throw PageRendererError(message: "gatehouse.css missing in \(url.path) (set GATEHOUSE_TEMPLATES_DIR)")
        }
    }

    /// The first line of a plain-text template.
    static let plainTextPragma = "{{% CONTENT_TYPE: TEXT}}"

    /// Every template the views need: their own, then the layouts and partials those include, at
    /// any depth. Throws when one is missing, does not read, or is of the wrong format.
    @discardableResult
    static func check(_ library: MustacheLibrary, directory: String) throws -> [TemplateName] {
        var required = viewTemplates.sorted { $0.name < $1.name }
        var missing: [String] = []
        var index = 0
        while index < required.count {
            let template = required[index]
            index += 1
            guard let text = library.getTemplate(named: template.name)?.description else {
                missing.append(template.name)
                continue
            }
            try checkFormat(text, of: template)
            let tags: [TemplateTag]
            do {
                tags = try TemplateTag.parse(text)
            } catch {
                throw PageRendererError(message: "template \(template.name) in \(directory) does not read: \(error)")
            }
            // A layout or partial renders in HTML (swift-mustache starts every one as HTML).
            for name in TemplateTag.includedTemplates(tags) where !required.contains(where: { $0.name == name }) {
                required.append(TemplateName(name: name, format: .html))
            }
        }
        guard missing.isEmpty else {
            throw PageRendererError(message: "templates missing in \(directory): \(missing.joined(separator: ", ")) (set GATEHOUSE_TEMPLATES_DIR)")
        }
        return required
    }

    /// The pragma counts only as the first line of a plain-text template: a template switching
    /// type midway would print escaped text as plain text, and a plain-text part without it would
    /// have its raw values escaped for HTML by swift-mustache.
    private static func checkFormat(_ text: String, of template: TemplateName) throws {
        switch template.format {
        case .plainText where !text.hasPrefix(plainTextPragma):
            throw PageRendererError(message: "template \(template.name) is plain text and must start with \(plainTextPragma)")
        case .html where text.contains("CONTENT_TYPE"):
            throw PageRendererError(message: "template \(template.name) is HTML and must not set a content type")
        default:
            break
        }
    }

    func render<View: PageView>(_ view: View) throws -> String {
        try render(view, template: View.template)
    }

    /// One of `view`'s templates (a mail has two).
    func render<View: TemplateView>(_ view: View, template: String) throws -> String {
        guard let name = View.templates.first(where: { $0.name == template }) else {
            throw PageRendererError(message: "template \(template) is not one of \(View.self)'s")
        }
        let rendering = try render(view.templateValues, template: name)
        if !rendering.unknownKeys.isEmpty {
            logger.error("template asked for keys its view does not supply; they printed as nothing",
                         metadata: ["template": "\(template)", "keys": "\(rendering.unknownKeys.joined(separator: ","))"])
        }
        return rendering.text
    }

    /// The text, and the keys the template asked for that `values` lacks (they render as nothing).
    func render(_ values: TemplateValues, template: TemplateName) throws -> (text: String, unknownKeys: [String]) {
        // Only a template the start-up check saw: a view missing from `RenderedViews` fails here.
        guard Self.viewTemplates.contains(template) else {
            throw PageRendererError(message: "template \(template.name) belongs to no view in RenderedViews")
        }
        let unknownKeys = UnknownKeys()
        var values = values
        // The layout's banner of a support session (`PageChrome`): every HTML page has the key.
        if template.format == .html, values[PageChrome.key] == nil { values[PageChrome.key] = PageChrome.values(PageChrome.current) }
        let scope = TemplateScope(values: values, format: template.format, unknownKeys: unknownKeys)
        guard let text = library.render(scope, withTemplate: template.name) else {
            throw PageRendererError(message: "template \(template.name) did not render")
        }
        return (text, unknownKeys.names)
    }
}

public struct PageRendererError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
