import GatehouseCore

/// The second-factor settings as the server uses them: the name authenticator apps show is the
/// service name people know (`GATEHOUSE_SERVICE_NAME`). Whether MFA is required for everyone is
/// `GATEHOUSE_MFA_REQUIRED`, read with the rest of the configuration (`ProviderSettings.requireMFA`).
enum MFAConfiguration {
    static func settings(accounts: AccountSettings) -> MFASettings {
        var settings = MFASettings()
        settings.issuerName = accounts.serviceName
        return settings
    }
}
