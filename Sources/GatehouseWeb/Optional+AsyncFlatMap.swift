extension Optional {
    /// `flatMap` for async transforms: an optional id to the record it names, when there is one.
    func asyncFlatMap<U>(_ transform: (Wrapped) async throws -> U?) async rethrows -> U? {
        guard let self else { return nil }
        return try await transform(self)
    }
}
