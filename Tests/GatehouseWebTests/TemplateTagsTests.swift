@testable import GatehouseWeb
import Testing

/// `TemplateTag`: the reader of template tags that the start-up check and `TemplateKeyCheck` walk.
@Suite("Template tags read without rendering")
struct TemplateTagsTests {
    @Test("variables, raw variables, comments and pragmas")
    func variables() throws {
        #expect(try TemplateTag.parse("a {{x}} {{{y}}} {{& z}} {{! note }}{{% CONTENT_TYPE: TEXT}} {{ spaced }}") == [
            .variable(try TemplateKey(parsing: "x"), raw: false), .variable(try TemplateKey(parsing: "y"), raw: true),
            .variable(try TemplateKey(parsing: "z"), raw: true), .variable(try TemplateKey(parsing: "spaced"), raw: false),
        ])
    }

    @Test("sections, inverted sections, transforms and dotted names")
    func sections() throws {
        let errors = try TemplateKey(parsing: "empty(errors)")
        #expect(errors.name == "errors" && errors.transforms == ["empty"] && errors.description == "empty(errors)")
        let nested = try TemplateKey(parsing: "first(reversed(list))")
        #expect(nested.name == "list" && nested.transforms == ["first", "reversed"] && nested.description == "first(reversed(list))")
        #expect(try TemplateTag.parse("{{^empty(errors)}}<li>{{.}}</li>{{/empty(errors)}}{{#open.profile}} open{{/open.profile}}") == [
            .section(errors, inverted: true, body: [.variable(try TemplateKey(parsing: "."), raw: false)]),
            .section(try TemplateKey(parsing: "open.profile"), inverted: false, body: []),
        ])
    }

    @Test("a layout with its blocks, and a partial, are the templates it includes")
    func inheritance() throws {
        let page = try TemplateTag.parse("{{<layout}}\n{{$title}}{{title}} · Gatehouse{{/title}}\n{{/layout}}{{>footer}}")
        #expect(page == [.parent("layout", body: [.block("title", body: [.variable(try TemplateKey(parsing: "title"), raw: false)])]),
                         .partial("footer")])
        #expect(TemplateTag.includedTemplates(page) == ["layout", "footer"])
    }

    @Test("changed delimiters, dynamic partials, unclosed tags and sections, and a wrong closing tag are refused")
    func refusals() {
        for text in ["{{=<% %>=}}", "{{>*dynamic}}", "{{x", "{{#a}}x", "{{#a}}x{{/b}}", "{{/a}}", "{{empty(}}"] {
            #expect(throws: TemplateTagsError.self, "\(text)") { try TemplateTag.parse(text) }
        }
    }
}
