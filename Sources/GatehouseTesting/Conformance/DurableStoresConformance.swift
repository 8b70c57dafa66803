/// Every durable port's suite in one list, for the test that runs them against one backend.
public enum DurableStoresConformance {
    public static let checks: [ConformanceCheck<DurableStores>] =
        UserStoreConformance.checks + ClientStoreConformance.checks + ConsentStoreConformance.checks
        + SessionStoreConformance.checks + RefreshTokenStoreConformance.checks + MFAStoresConformance.checks
        + AccountStoresConformance.checks + LockoutStoreConformance.checks + UserDirectoryConformance.checks
}
