import Foundation
import Hummingbird

/// The API's description, `openapi.json` beside this file (OpenAPI 3.1), read once at start-up
/// and served as it is at `/api/v1/openapi.json`. `operations` lists what it describes, so a test
/// can hold it to the routes `APIModule` registers.
struct OpenAPIDocument: Sendable {
    let bytes: [UInt8]

    /// The checked-in document; it ships inside the binary's resource bundle.
    static let bundled: OpenAPIDocument = {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "json"),
              let data = try? Data(contentsOf: url) else { preconditionFailure("openapi.json is missing from the GatehouseWeb bundle") }
        return OpenAPIDocument(bytes: Array(data))
    }()

    /// `METHOD /path` for each operation the document describes.
    var operations: Set<String> {
        guard let document = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any],
              let paths = document["paths"] as? [String: Any] else { return [] }
        let methods: Set<String> = ["get", "put", "post", "delete", "patch", "head", "options"]
        return Set(paths.flatMap { path, item in
            ((item as? [String: Any]) ?? [:]).keys.filter(methods.contains).map { $0.uppercased() + " " + path }
        })
    }

    static func operation(_ document: OpenAPIDocument) -> APIOperation {
        APIOperation(method: .get, path: "/api/v1/openapi.json") { _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: document.bytes)))
        }
    }
}
