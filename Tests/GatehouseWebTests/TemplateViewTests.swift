import Foundation
import GatehouseTestingStack
import Mustache
@testable import GatehouseWeb
import Testing

/// The typed views and their templates: every view in `RenderedViews` renders its sample with no
/// unknown key, every tag of its templates names a key it supplies and every key it supplies is
/// used, and the start-up check covers every template the views need (issue 9, item 4).
@Suite("Typed views: every template key supplied, every supplied key used, every template checked at start-up")
struct TemplateViewTests {
    static let templates = TestServices.repositoryRoot.appendingPathComponent("templates")

    @Test("every view renders its sample without asking for a key it does not supply")
    func samplesRender() async throws {
        let pages = try await PageRenderer(directory: Self.templates.path)
        for view in RenderedViews.all {
            for template in view.templates {
                let rendered = try pages.render(view.sample.templateValues, template: template)
                #expect(rendered.unknownKeys.isEmpty, "\(view) asked for \(rendered.unknownKeys) in \(template)")
                #expect(!rendered.text.isEmpty, "\(template)")
                #expect(!rendered.text.contains("{{"), "\(template)")
            }
        }
    }

    @Test("every tag of every view's templates names a key the view supplies, and every key it supplies is used")
    func everyKey() async throws {
        let pages = try await PageRenderer(directory: Self.templates.path)
        for view in RenderedViews.all {
            #expect(TemplateKeyCheck.problems(of: view.sample, library: pages.library) == [], "\(view)")
        }
    }

    /// swift-mustache looks a name it finds no value for up in the enclosing scopes: a nil inside
    /// a nested part used to reach the view, which lacks it (logged as unknown), or has a key of
    /// that name (printed in the wrong place).
    @Test("a nil inside a nested part hides its section there and is not looked for further out")
    func nilInNestedPart() async throws {
        let pages = try await PageRenderer(directory: Self.templates.path)
        var values = AccountView.sample.templateValues
        values["sessionPages"] = .nested(["olderURL": .text("/account?sessions_after=x#sessions"), "newestURL": .text(nil)])
        let rendered = try pages.render(values, template: AccountView.templates[0])
        #expect(rendered.unknownKeys.isEmpty)
        #expect(rendered.text.contains(#"<p class="links"><a href="/account?sessions_after=x#sessions">Older sessions ›</a></p>"#))
    }

    @Test("a misspelt key is found by the check and by rendering, and prints nothing")
    func misspeltKey() async throws {
        let directory = try copyOfTemplates()
        defer { try? FileManager.default.removeItem(at: directory) }
        let login = directory.appendingPathComponent("login.mustache")
        let text = try String(contentsOf: login, encoding: .utf8)
        try text.replacingOccurrences(of: "<strong>{{clientName}}</strong>", with: "<strong>{{clientNmae}}</strong>")
            .write(to: login, atomically: true, encoding: .utf8)
        let pages = try await PageRenderer(directory: directory.path)

        #expect(TemplateKeyCheck.problems(of: LoginView.sample, library: pages.library) == [
            "login asks for {{clientNmae}}, which LoginView does not supply there",
        ])
        let rendered = try pages.render(LoginView.sample.templateValues, template: LoginView.templates[0])
        #expect(rendered.unknownKeys == ["clientNmae"])
        #expect(rendered.text.contains(#"<p class="lead">to continue to <strong></strong></p>"#))
    }

    @Test("the check finds a key no template uses, a flag printed as text, and a sample that hides a list's items")
    func otherProblems() async throws {
        let pages = try await PageRenderer(directory: Self.templates.path)
        var extra = TemplateKeyCheck(library: pages.library)
        extra.check(Extra<NoticeView>(NoticeView.sample.templateValues.merging(["spare": .text("x"), "message": .flag(true)]) { $1 }))
        #expect(extra.problems == [
            "notice prints {{message}}, which is a flag, not a text",
            "Extra<NoticeView> supplies spare, which none of its templates uses",
        ])

        var hidden = TemplateKeyCheck(library: pages.library)
        hidden.check(Extra<AccountView>(AccountView.sample.templateValues.merging(["sessions": .list([AccountView.SessionLine]())]) { $1 }))
        #expect(hidden.problems == ["the sample of Extra<AccountView> has no item in sessions, so account's {{#sessions}} cannot be checked"])
    }

    @Test("the templates checked at start-up are derived from the views: layouts included, no template left over")
    func derivedTemplates() async throws {
        let pages = try await PageRenderer(directory: Self.templates.path)
        let checked = try PageRenderer.check(pages.library, directory: Self.templates.path).map(\.name)
        #expect(checked.contains("layout"))
        #expect(checked.contains("mail_layout"))
        #expect(checked.contains("mfa_enrol_email"))
        #expect(Set(checked) == Set(try templateFiles(in: Self.templates)), "a template no view renders, or a view template missing")
    }

    /// The list kept by hand before missed the first two: a deployment without them started, then
    /// sent every mail with an empty HTML part and answered 500 to enrolling emailed codes.
    @Test("start-up refuses a template directory without a template some view needs", arguments: ["mail_layout", "mfa_enrol_email", "layout", "mail/notice_text"])
    func missingTemplate(_ name: String) async throws {
        let directory = try copyOfTemplates()
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.removeItem(at: directory.appendingPathComponent(name + ".mustache"))
        let error = await #expect(throws: PageRendererError.self) { _ = try await PageRenderer(directory: directory.path) }
        #expect(error?.message == "templates missing in \(directory.path): \(name) (set GATEHOUSE_TEMPLATES_DIR)")
    }

    @Test("start-up refuses a plain-text part without the TEXT pragma and an HTML template that sets a content type")
    func formats() async throws {
        let directory = try copyOfTemplates()
        defer { try? FileManager.default.removeItem(at: directory) }
        let text = directory.appendingPathComponent("mail/notice_text.mustache")
        try String(try String(contentsOf: text, encoding: .utf8).dropFirst(PageRenderer.plainTextPragma.count + 1))
            .write(to: text, atomically: true, encoding: .utf8)
        await #expect(throws: PageRendererError.self) { _ = try await PageRenderer(directory: directory.path) }

        let other = try copyOfTemplates()
        defer { try? FileManager.default.removeItem(at: other) }
        let notice = other.appendingPathComponent("notice.mustache")
        try (PageRenderer.plainTextPragma + "\n" + String(contentsOf: notice, encoding: .utf8)).write(to: notice, atomically: true, encoding: .utf8)
        await #expect(throws: PageRendererError.self) { _ = try await PageRenderer(directory: other.path) }
    }

    @Test("a view missing from RenderedViews does not render")
    func unlistedView() async throws {
        let pages = try await PageRenderer(directory: Self.templates.path)
        #expect(throws: PageRendererError.self) { _ = try pages.render(Unlisted()) }
    }

    /// `isEmpty` was a computed property, which the reflection-based renderer never saw.
    @Test("the development mailbox says when it is empty")
    func emptyMailbox() async throws {
        let pages = try await PageRenderer(directory: Self.templates.path)
        #expect(try pages.render(DevMailboxView(mails: [])).contains(#"<p class="notice" role="status">No mail yet.</p>"#))
        #expect(!(try pages.render(DevMailboxView.sample)).contains("No mail yet."))
    }

    /// Another view's templates with other values, as a test wants them.
    struct Extra<Base: TemplateView>: TemplateView {
        static var templates: [TemplateName] { Base.templates }
        let templateValues: TemplateValues

        init(_ values: TemplateValues) {
            templateValues = values
        }

        static var sample: Extra { Extra(Base.sample.templateValues) }
    }

    struct Unlisted: PageView {
        static let template = "unlisted"
        var templateValues: TemplateValues { ["title": .text("Unlisted")] }
        static var sample: Unlisted { Unlisted() }
    }

    func copyOfTemplates() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-templates-" + UUID().uuidString)
        try FileManager.default.copyItem(at: Self.templates, to: directory)
        return directory
    }

    /// `templates/**/*.mustache`, named as swift-mustache names them (`mail/notice_text`).
    func templateFiles(in directory: URL) throws -> [String] {
        let enumerator = FileManager.default.enumerator(atPath: directory.path)
        return (enumerator?.allObjects as? [String] ?? []).filter { $0.hasSuffix(".mustache") }.map { String($0.dropLast(".mustache".count)) }
    }
}
