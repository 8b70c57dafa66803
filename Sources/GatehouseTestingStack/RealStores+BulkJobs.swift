import Foundation
import GatehouseCore
import GatehousePostgres
import GatehouseTesting

extension BulkJobStores {
    /// `PostgresBulkJobStore` and the user store over `pool` (a database of the check's own).
    public static func postgres(pool: PostgresPool) -> BulkJobStores {
        BulkJobStores(users: PostgresUserStore(pool: pool), jobs: PostgresBulkJobStore(pool: pool))
    }
}
