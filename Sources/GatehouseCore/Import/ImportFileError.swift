/// Why a file cannot be imported at all: said once, before any row is touched.
public enum ImportFileError: Error, Sendable, Equatable {
    /// Over `ImportFile.maximumBytes`.
    case tooLarge(limit: Int)
    /// The format is neither `csv` nor `jsonl`.
    case unsupportedFormat
    /// Not CSV (a quote that never closes, a header that is not the expected columns…).
    case notCSV(String)
    /// Not JSON lines (the first record is not a JSON object).
    case notJSONLines(String)
    /// No rows after the header.
    case empty
    /// More rows than one job takes.
    case tooManyRows(limit: Int)

    /// The sentence the console, the API's problem and the CLI show.
    public var text: String {
        switch self {
        case .tooLarge(let limit): "The file is larger than \(limit / 1_048_576) MB; split it into smaller files."
        case .unsupportedFormat: "The format must be csv or jsonl."
        case .notCSV(let why): "The file is not CSV: \(why)."
        case .notJSONLines(let why): "The file is not JSON lines: \(why)."
        case .empty: "The file has no rows to import."
        case .tooManyRows(let limit): "The file has more than \(limit) rows; split it into smaller files."
        }
    }
}
