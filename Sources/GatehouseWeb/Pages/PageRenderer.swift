import Foundation
import Mustache

/// Renders the hosted pages from `templates/` with swift-mustache. Refuses to start when a
/// template is missing (a missing directory would otherwise give an empty library silently).
public struct PageRenderer: Sendable {
    let library: MustacheLibrary
    /// The one stylesheet, served at `/static/gatehouse.css`.
    public let stylesheet: String

    public static let requiredTemplates = ["layout", "login", "consent", "error", "signed_in", "form_post", "demo_result"]

    public init(directory: String) async throws {
        let url = URL(fileURLWithPath: directory, isDirectory: true)
        let library = try await MustacheLibrary(directory: url.path)
        self.library = library
        let missing = Self.requiredTemplates.filter { library.getTemplate(named: $0) == nil }
        guard missing.isEmpty else {
            throw PageRendererError(message: "templates missing in \(url.path): \(missing.joined(separator: ", ")) (set GATEHOUSE_TEMPLATES_DIR)")
        }
        do {
            stylesheet = try String(contentsOf: url.appendingPathComponent("gatehouse.css"), encoding: .utf8)
        } catch {
            throw PageRendererError(message: "gatehouse.css missing in \(url.path) (set GATEHOUSE_TEMPLATES_DIR)")
        }
    }

    func render(_ view: some PageView) throws -> String {
        guard let html = library.render(view, withTemplate: view.templateName) else {
            throw PageRendererError(message: "template \(view.templateName) did not render")
        }
        return html
    }
}

public struct PageRendererError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

/// A typed view model for one template: templates stay dumb, Swift decides the words.
protocol PageView {
    var templateName: String { get }
}
