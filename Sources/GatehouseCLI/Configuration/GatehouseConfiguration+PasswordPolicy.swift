import Foundation
import GatehouseCore

/// The `GATEHOUSE_PASSWORD_*` settings as core's password policy.
extension GatehouseConfiguration {
    var passwordPolicy: PasswordPolicy {
        var settings = PasswordPolicySettings()
        settings.minimumLength = passwordMinLength
        settings.maximumLength = passwordMaxLength
        settings.requireUppercase = passwordRequireUppercase
        settings.requireLowercase = passwordRequireLowercase
        settings.requireDigit = passwordRequireDigit
        settings.requireSymbol = passwordRequireSymbol
        settings.historyCount = passwordHistory
        settings.maximumAgeDays = passwordMaxAgeDays > 0 ? passwordMaxAgeDays : nil
        settings.serviceNames = ["gatehouse"] + issuerNames
        return PasswordPolicy(settings: settings)
    }

    /// The policy with the name the deployment shows people (`GATEHOUSE_SERVICE_NAME`, in
    /// `AccountSettings`) among the words a password must not contain.
    func passwordPolicy(serviceName: String) -> PasswordPolicy {
        var policy = passwordPolicy
        if !policy.settings.serviceNames.contains(where: { $0.lowercased() == serviceName.lowercased() }) {
            policy.settings.serviceNames.append(serviceName)
        }
        return policy
    }

    /// The names users see the deployment by, from the issuer: its host name and the label that
    /// names the organization ("example" in id.example.com). IP addresses give none.
    var issuerNames: [String] {
        guard let host = URLComponents(string: issuer)?.host?.lowercased(),
              host.contains(where: \.isLetter), !host.contains(":") else { return [] }
        let labels = host.split(separator: ".").map(String.init)
        guard labels.count >= 2 else { return [host] }
        return [host, labels[labels.count - 2]]
    }
}
