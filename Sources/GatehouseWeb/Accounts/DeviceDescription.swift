/// "Firefox on Linux" from a User-Agent header, for the sessions list. Deliberately coarse:
/// people recognise their devices by browser and system, and coarse parsing cannot be fooled
/// into anything worse than "Unknown browser".
enum DeviceDescription {
    static func describe(_ userAgent: String?) -> String {
        guard let agent = userAgent, !agent.isEmpty else { return "Unknown device" }
        return "\(browser(agent)) on \(system(agent))"
    }

    static func browser(_ agent: String) -> String {
        let checks: [(String, String)] = [("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"), ("Chromium/", "Chromium"),
                                          ("Chrome/", "Chrome"), ("Safari/", "Safari"), ("curl/", "curl"), ("python-requests", "Python")]
        return checks.first { agent.contains($0.0) }?.1 ?? "Unknown browser"
    }

    static func system(_ agent: String) -> String {
        let checks: [(String, String)] = [("Android", "Android"), ("iPhone", "iPhone"), ("iPad", "iPad"), ("Windows", "Windows"),
                                          ("Mac OS X", "macOS"), ("CrOS", "ChromeOS"), ("Linux", "Linux")]
        return checks.first { agent.contains($0.0) }?.1 ?? "an unknown system"
    }
}
