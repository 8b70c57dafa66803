/// What the in-memory twins throw where PostgreSQL would refuse a row that names a user or a
/// client that does not exist (a foreign key). The real store throws its own error there; no
/// caller handles either, so a test that forgot to create the user fails loudly in both.
public enum InMemoryStoreError: Error, Equatable, Sendable {
    case missingReference(String)
}
