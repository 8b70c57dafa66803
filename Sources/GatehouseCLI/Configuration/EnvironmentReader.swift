/// Reads typed values from environment variables, collecting a problem per bad value instead
/// of stopping at the first.
struct EnvironmentReader {
    let environment: [String: String]
    private(set) var problems: [String] = []

    init(environment: [String: String]) {
        self.environment = environment
    }

    func optionalString(_ name: String) -> String? {
        guard let value = environment[name]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        return value
    }

    func string(_ name: String, default value: String) -> String {
        optionalString(name) ?? value
    }

    mutating func integer(_ name: String, default value: Int, in range: ClosedRange<Int>) -> Int {
        optionalInteger(name, in: range) ?? value
    }

    mutating func optionalInteger(_ name: String, in range: ClosedRange<Int>) -> Int? {
        guard let text = optionalString(name) else { return nil }
        guard let value = Int(text), range.contains(value) else {
            problems.append("\(name)=\(text) must be a whole number from \(range.lowerBound) to \(range.upperBound)")
            return nil
        }
        return value
    }

    mutating func flag(_ name: String) -> Bool {
        switch optionalString(name)?.lowercased() {
        case nil, "0", "false", "no": return false
        case "1", "true", "yes": return true
        case let other?:
            problems.append("\(name)=\(other) must be 1 or 0")
            return false
        }
    }
}
