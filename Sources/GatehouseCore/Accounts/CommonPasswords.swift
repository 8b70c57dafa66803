import Foundation

/// The published list of common passwords a password must not be (NIST SP 800-63B §5.1.1.2
/// "passwords obtained from previous breach corpuses"; ASVS 2.1.7): Django's 20,000-entry list.
///
/// It ships as data, not code: `Resources/common-passwords.txt`, a SwiftPM resource copied beside
/// the binary (`gatehouse_GatehouseCore.resources/`), one password a line, exactly as
/// `scripts/update-common-passwords.sh` unpacked it from Django's wheel. `CommonPasswordsCheck`
/// in the CLI compares its SHA-256 with `CommonPasswords.sha256` before `serve` starts, so a
/// missing or altered file stops the server instead of silently allowing common passwords.
public enum CommonPasswords {
    /// Where the list comes from, for logs and the README (written by the update script).
    public static let source = "Django 5.2.19 django/contrib/auth/common-passwords.txt.gz (BSD-3-Clause)"
    /// SHA-256 of `common-passwords.txt`, as `scripts/common-passwords/README.md` records it.
    public static let sha256 = "29ca0fa5303165f012f3e9775e3e95a3071cdd59f219973ec1cbb308d0214a6f"
    /// Where SwiftPM copies the resource: a folder beside the executable (the binary, or the test
    /// runner). Looked up here rather than through `Bundle.module`, whose accessor ends the
    /// process with `fatalError` when the folder is missing; this way the CLI can say what to do.
    public static var fileURL: URL {
        Bundle.main.bundleURL.appendingPathComponent("gatehouse_GatehouseCore.resources/common-passwords.txt")
    }

    /// The file's bytes, or nil when it is missing.
    public static var fileBytes: [UInt8]? {
        (try? Data(contentsOf: fileURL)).map(Array.init)
    }

    /// Built once, on first use, from the file (a few milliseconds); empty when it is missing,
    /// which `CommonPasswordsCheck` refuses at start-up.
    static let entries: Set<String> = {
        guard let bytes = fileBytes else { return [] }
        return Set(String(decoding: bytes, as: UTF8.self).split(separator: "\n")
            .map { $0.trimmingCharacters(in: .whitespaces).lowercased() }.filter { !$0.isEmpty })
    }()

    /// Whether `password` is on the list, ignoring case and surrounding spaces (as Django does).
    /// Pass the NFKC form (`PasswordPolicy.normalized`).
    public static func contains(_ password: String) -> Bool {
        entries.contains(password.trimmingCharacters(in: .whitespaces).lowercased())
    }

    /// How many passwords the list holds.
    public static var count: Int { entries.count }
}
