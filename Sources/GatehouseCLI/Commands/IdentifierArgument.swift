import ArgumentParser

/// A command's one positional id (a client id, a key id) that may begin with "-".
///
/// Base64url ids begin with "-" one time in 64, and swift-argument-parser reads such a value as
/// an option ("Missing expected argument '<kid>'"). So these commands collect the id from what the
/// parser did not recognise (`@Argument(parsing: .allUnrecognized)`) and insist here on exactly one.
enum IdentifierArgument {
    /// The single id among `values` (a `--` terminator is allowed and dropped).
    static func single(_ values: [String], naming name: String) throws -> String {
        let ids = values.filter { $0 != "--" }
        guard ids.count == 1 else {
            throw ValidationError(ids.isEmpty ? "missing the \(name)"
                                              : "expected one \(name), got: \(ids.joined(separator: " ")) (an unknown option?)")
        }
        return ids[0]
    }
}
