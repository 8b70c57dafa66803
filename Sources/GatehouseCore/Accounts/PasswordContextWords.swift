import Foundation

/// The context-specific words a password must not equal or contain (NIST SP 800-63B
/// §5.1.1.2; ASVS 2.1.7): the email and its local part, each part of the user's name, and the
/// service's names. Everything is NFKC-normalized and lower-cased, so the check ignores case.
/// Words shorter than 4 characters are skipped: refusing every password with "ann" or "li" in
/// it would refuse good passphrases and protect nothing.
struct PasswordContextWords {
    static let shortest = 4

    let email: String?
    let localPart: String?
    let nameParts: [String]
    let serviceNames: [(word: String, shown: String)]

    init(context: PasswordContext, serviceNames: [String]) {
        let email = context.email.map(Self.fold).flatMap { $0.isEmpty ? nil : $0 }
        self.email = email
        localPart = email.flatMap { email in
            email.lastIndex(of: "@").map { String(email[..<$0]) }
        }.flatMap(Self.longEnough)
        nameParts = context.names.flatMap { name in
            Self.fold(name).split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init)
        }.compactMap(Self.longEnough)
        self.serviceNames = serviceNames.compactMap { name in
            Self.longEnough(Self.fold(name)).map { (word: $0, shown: name) }
        }
    }

    /// `password` must already be normalized and lower-cased.
    func violations(in password: String) -> [PasswordViolation] {
        var found: [PasswordViolation] = []
        if let email, password.contains(email) || localPart.map({ password.contains($0) }) == true {
            found.append(.containsEmail)
        }
        if nameParts.contains(where: { password.contains($0) }) { found.append(.containsName) }
        if let service = serviceNames.first(where: { password.contains($0.word) }) {
            found.append(.containsServiceName(service.shown))
        }
        return found
    }

    static func fold(_ text: String) -> String {
        PasswordPolicy.normalized(text).trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    }

    static func longEnough(_ word: String) -> String? {
        word.unicodeScalars.count >= shortest ? word : nil
    }
}
