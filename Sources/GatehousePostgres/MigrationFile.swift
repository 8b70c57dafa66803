import Foundation

/// One `migrations/NNNN_name.sql` file: its version (the number) and file name. Listing is
/// strict on purpose: a misnamed file (`001_x.sql`, `0002-x.sql`, `0003_x.SQL.bak`) would
/// otherwise be skipped silently and its schema change never applied.
struct MigrationFile: Equatable {
    let version: Int
    let fileName: String
    let url: URL

    /// The valid files in version order. Hidden files (`.gitkeep`) are ignored; any other
    /// misnamed file, or two files with one version, is an error naming them.
    static func list(in directory: URL) throws -> [MigrationFile] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        } catch {
            throw PostgresError(message: "cannot read the migrations directory \(directory.path): \(error.localizedDescription)")
        }
        var files: [MigrationFile] = []
        for name in names.sorted() where !name.hasPrefix(".") {
            guard let version = version(ofFileName: name) else {
                throw PostgresError(message: "migration file \"\(name)\" in \(directory.path) is not named NNNN_name.sql (four digits, an underscore, letters, digits, _ or -)")
            }
            if let clash = files.first(where: { $0.version == version }) {
                throw PostgresError(message: "migration files \"\(clash.fileName)\" and \"\(name)\" have the same version \(version)")
            }
            files.append(MigrationFile(version: version, fileName: name, url: directory.appendingPathComponent(name)))
        }
        return files.sorted { $0.version < $1.version }
    }

    /// `0001_create_users.sql` → 1; nil when the name does not have that shape.
    static func version(ofFileName name: String) -> Int? {
        let characters = Array(name)
        guard name.hasSuffix(".sql"), characters.count > 9, characters[4] == "_",
              characters[0..<4].allSatisfy(\.isASCIIDigit)
        else { return nil }
        let label = characters[5..<(characters.count - 4)]
        guard label.allSatisfy({ $0.isASCIIDigit || $0.isASCIILetter || $0 == "_" || $0 == "-" }) else { return nil }
        return Int(String(characters[0..<4]))
    }
}

private extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
    var isASCIILetter: Bool { isASCII && isLetter }
}
