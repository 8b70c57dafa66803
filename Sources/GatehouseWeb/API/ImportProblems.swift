import GatehouseCore

/// Imports' refusals as problems: a file too large 413, a body of another type 415 (from
/// `ImportOperations`), a file that cannot be read 422, a caller who may not import 403.
extension APIProblems {
    static func problem(_ error: ImportFileError) -> APIProblem {
        switch error {
        case .tooLarge:
            APIProblem(status: .contentTooLarge, name: "file-too-large", title: "Content too large", detail: error.text)
        case .unsupportedFormat, .notCSV, .notJSONLines, .empty, .tooManyRows:
            APIProblem(status: .unprocessableContent, name: "unreadable-file", title: "Unreadable file", detail: error.text)
        }
    }

    static func problem(_ refusal: Imports.Refusal) -> APIProblem {
        switch refusal {
        case .notPermitted: forbidden("your role does not allow importing this kind")
        case .invalidSource: invalid("source must be 1 to 64 of a-z, 0-9, '-' and '_'")
        }
    }

    static let importMediaType = APIProblem(
        status: .unsupportedMediaType, name: "unsupported-media-type", title: "Unsupported media type",
        detail: "send the file as text/csv or application/jsonl, or as the field data of an application/json body")
}
