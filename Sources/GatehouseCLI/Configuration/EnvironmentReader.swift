/// Reads typed values from environment variables, collecting a problem per bad value instead
/// of stopping at the first. It reads only the variables `Setting` lists, so that list is complete.
struct EnvironmentReader {
    let environment: [String: String]
    private(set) var problems: [String] = []

    init(environment: [String: String]) {
        self.environment = environment
    }

    func optionalString(_ setting: Setting) -> String? {
        guard let value = environment[setting.rawValue]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        return value
    }

    func string(_ setting: Setting, default value: String) -> String {
        optionalString(setting) ?? value
    }

    mutating func integer(_ setting: Setting, default value: Int, in range: ClosedRange<Int>) -> Int {
        optionalInteger(setting, in: range) ?? value
    }

    mutating func optionalInteger(_ setting: Setting, in range: ClosedRange<Int>) -> Int? {
        guard let text = optionalString(setting) else { return nil }
        guard let value = Int(text), range.contains(value) else {
            problems.append("\(setting)=\(text) must be a whole number from \(range.lowerBound) to \(range.upperBound)")
            return nil
        }
        return value
    }

    mutating func flag(_ setting: Setting, default fallback: Bool = false) -> Bool {
        switch optionalString(setting)?.lowercased() {
        case nil: return fallback
        case "0", "false", "no": return false
        case "1", "true", "yes": return true
        case let other?:
            problems.append("\(setting)=\(other) must be 1 or 0")
            return false
        }
    }
}
