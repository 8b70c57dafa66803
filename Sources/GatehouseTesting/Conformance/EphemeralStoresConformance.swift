/// Every short-lived port's suite in one list, for the test that runs them against one backend.
public enum EphemeralStoresConformance {
    public static let checks: [ConformanceCheck<EphemeralStores>] =
        AuthorizationStateStoreConformance.checks + AttemptCounterConformance.checks + SignInStatesConformance.checks
}
