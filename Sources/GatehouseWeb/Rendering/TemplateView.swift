/// A value a template can use: the whole vocabulary between Swift and `templates/`. Only `.text`
/// prints; `PageRenderer` escapes it with `HTMLEscaping.escape` in HTML and leaves it raw in
/// plain-text mail (see `TemplateScope`), so no other path to the page exists.
enum TemplateValue {
    /// Printed by `{{key}}`. Nil is an empty section (`{{#key}}` hidden, `{{^key}}` shown) and
    /// prints nothing.
    case text(String?)
    /// Shows `{{#key}}…{{/key}}` when true and `{{^key}}…{{/key}}` when false; never printed.
    case flag(Bool)
    /// `{{#key}}…{{/key}}` once per item (`{{.}}` for a text item); `{{^key}}` and
    /// `{{^empty(key)}}` when there is none.
    case list([TemplateValue])
    /// Keys of their own, read as `{{#key}}{{inner}}{{/key}}` or `{{key.inner}}`. Nil is an
    /// empty section.
    case nested(TemplateValues?)

    /// A list of parts, each with its own keys.
    static func list(_ items: [some TemplateContent]) -> TemplateValue {
        .list(items.map { .nested($0.templateValues) })
    }

    /// A list of texts, each printed with `{{.}}`.
    static func list(_ texts: [String]) -> TemplateValue {
        .list(texts.map { .text($0) })
    }

    /// A part with keys of its own.
    static func nested(_ part: some TemplateContent) -> TemplateValue {
        .nested(part.templateValues)
    }
}

/// Every key a template may use, and nothing else: a template asking for another key renders
/// nothing there, and `PageRenderer` logs it (tests fail on it, `TemplateViewTests`).
typealias TemplateValues = [String: TemplateValue]

/// Something a template looks into: a view, or a part of one (a list item, a nested section).
/// Its keys are written out, not read by reflection, so a computed value is as visible as a
/// stored one and a key no template uses is found by the tests.
protocol TemplateContent {
    var templateValues: TemplateValues { get }
}

/// How a template's text values print: escaped for HTML, or as they are in a plain-text mail.
enum TemplateFormat: Sendable {
    case html
    case plainText
}

/// One file of `templates/` (without `.mustache`) and how its values print.
struct TemplateName: Hashable, Sendable, CustomStringConvertible {
    let name: String
    let format: TemplateFormat

    var description: String { name }
}

/// A typed view: the templates it fills and a sample of it. `RenderedViews.all` lists every one;
/// `PageRenderer` checks their templates at start-up and renders no other view.
protocol TemplateView: TemplateContent {
    static var templates: [TemplateName] { get }
    /// Filled in the way a real page would be, every optional part present and every list with an
    /// item, so a test can render it and check every key of its templates (`TemplateViewTests`).
    static var sample: Self { get }
}

/// A hosted page: one HTML template, which inherits `layout` (so its view supplies `title`).
protocol PageView: TemplateView {
    static var template: String { get }
}

extension PageView {
    static var templates: [TemplateName] { [TemplateName(name: template, format: .html)] }
}

/// An email: a plain-text part `<template>_text` and an HTML part `<template>_html` (which
/// inherits `mail_layout`), both filled from the same keys.
protocol MailView: TemplateView {
    static var template: String { get }
}

extension MailView {
    static var textTemplate: TemplateName { TemplateName(name: template + "_text", format: .plainText) }
    static var htmlTemplate: TemplateName { TemplateName(name: template + "_html", format: .html) }
    static var templates: [TemplateName] { [textTemplate, htmlTemplate] }
}
