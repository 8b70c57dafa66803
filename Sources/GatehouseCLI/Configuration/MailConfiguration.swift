import Foundation
import GatehouseMail

/// How this server delivers mail (issue 3, DESIGN.md "development mode"):
/// `GATEHOUSE_SMTP_URL` set → real SMTP in every mode; unset in development mode → printed to
/// standard output and shown at `/dev/mailbox`; `none` → no mail at all (the flows that need
/// it are off). Unset outside development mode is a start-up error, so running without mail is
/// always said out loud.
enum MailMode: Sendable {
    case smtp(SMTPLocation, from: MailAddress, caFile: String?)
    case developmentConsole
    case disabled

    var isEnabled: Bool {
        if case .disabled = self { return false }
        return true
    }

    /// One line for the start-up output and log; the SMTP password is redacted.
    var summary: String {
        switch self {
        case .smtp(let location, let from, let caFile):
            "SMTP \(location.redacted) from \(from.address)" + (caFile.map { " (CA file \($0))" } ?? "")
        case .developmentConsole: "printed here and listed at /dev/mailbox (development mode, no GATEHOUSE_SMTP_URL)"
        case .disabled: "off (GATEHOUSE_SMTP_URL=none): registration, email verification and password reset are unavailable"
        }
    }
}

extension GatehouseConfiguration {
    /// The mail mode these settings describe, or every problem with them, each naming its variable
    /// (the SMTP URL itself is never repeated: it may hold a password).
    func mailMode() -> Result<MailMode, ConfigurationError> {
        guard let url = smtpURL else {
            if developmentMode { return .success(.developmentConsole) }
            return .failure(ConfigurationError(problems: [
                "GATEHOUSE_SMTP_URL is not set: give the mail server (smtp://[user:password@]host:port for STARTTLS, "
                    + "smtps://… for TLS), or GATEHOUSE_SMTP_URL=none to run without email (registration, email "
                    + "verification and password reset are then off)",
            ]))
        }
        if url.lowercased() == "none" { return .success(.disabled) }
        var problems: [String] = []
        var location: SMTPLocation?
        do {
            location = try SMTPLocation(url: url)
        } catch {
            problems.append("GATEHOUSE_SMTP_URL \(error.message)")
        }
        var from: MailAddress?
        if let mailFrom {
            do {
                from = try MailAddress(parsing: mailFrom, field: "GATEHOUSE_MAIL_FROM")
            } catch {
                problems.append("GATEHOUSE_MAIL_FROM=\(mailFrom) must be an address such as no-reply@id.example.com or Gatehouse <no-reply@id.example.com>")
            }
        } else {
            problems.append("GATEHOUSE_MAIL_FROM is not set: mail needs a sender, e.g. Gatehouse <no-reply@id.example.com>")
        }
        if let smtpCAFile, !FileManager.default.isReadableFile(atPath: smtpCAFile) {
            problems.append("GATEHOUSE_SMTP_CA_FILE=\(smtpCAFile) cannot be read (a PEM file with the CA certificates to trust)")
        }
        guard problems.isEmpty, let location, let from else { return .failure(ConfigurationError(problems: problems)) }
        return .success(.smtp(location, from: from, caFile: smtpCAFile))
    }
}

extension ConfigurationChecks {
    /// The mail settings, checked only for commands that send mail (`serve`).
    static func mailProblems(_ config: GatehouseConfiguration, requiring requirements: Set<GatehouseConfiguration.Requirement>) -> [String] {
        guard requirements.contains(.mail), case .failure(let error) = config.mailMode() else { return [] }
        return error.problems
    }
}
