import Foundation
import GatehouseCore
import GatehousePostgres
import GatehouseTesting

extension APIKeyStores {
    /// `PostgresAPIKeyStore` and the user store over `pool`, for `APIKeyStoreConformance`.
    public static func postgres(pool: PostgresPool) -> APIKeyStores {
        let users = PostgresUserStore(pool: pool)
        return APIKeyStores(users: users, keys: PostgresAPIKeyStore(pool: pool), deleteUser: { try await users.delete(id: $0) })
    }
}
