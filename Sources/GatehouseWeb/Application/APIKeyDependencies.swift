public import GatehouseCore

/// Personal access tokens (issue 11 item 6): their store and the longest life a key may be given
/// (`GATEHOUSE_API_KEY_MAX_DAYS`).
public struct APIKeyDependencies: Sendable {
    public var store: any APIKeyStore
    public var maximumLifetimeDays: Int

    public init(store: any APIKeyStore, maximumLifetimeDays: Int = APIKeys.defaultMaximumLifetimeDays) {
        self.store = store
        self.maximumLifetimeDays = maximumLifetimeDays
    }
}
