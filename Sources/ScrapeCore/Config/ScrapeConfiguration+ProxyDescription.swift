public import ScrapeHTTP

extension ScrapeConfiguration.HTTP.ProxySettings {
    /// The proxy settings in force, as commented YAML for `check-config`: the file's keys
    /// and, when they leave it to the environment, what curl will take from it. Every URL
    /// is shown by its display name; credentials never appear ("credentials hidden").
    public func effectiveSettings(environment: ProxyEnvironment) -> String {
        var lines = ["proxies:"]
        switch choice {
        case .direct:
            lines.append("  proxy: none  # direct; the environment's proxy variables are ignored")
        case .pool(let pool) where pool.count == 1:
            lines.append("  proxy: \(Self.shown(pool[0]))")
        case .pool(let pool):
            lines.append("  proxies:  # \(pool.count), rotation: \(rotation.rawValue)")
            for (index, proxy) in pool.enumerated() { lines.append("    - \(Self.shown(proxy))  # #\(index + 1)") }
        case .environment:
            let variables = ["http_proxy", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"].compactMap { name in
                environment.variables[name].map { "\(name)=\(Self.shownEnvironmentValue($0))" }
            }
            if variables.isEmpty {
                lines.append("  # proxy: unset, and the environment names none: direct")
            } else {
                lines.append("  # proxy: unset: the environment's, as curl (http_proxy for http URLs, https_proxy for https, else all_proxy)")
                for variable in variables { lines.append("  #   \(variable)") }
            }
        }
        if let noProxy {
            lines.append("  no_proxy: \"\(noProxy.text)\"")
        } else if let name = ["no_proxy", "NO_PROXY"].first(where: { environment.variables[$0] != nil }), let value = environment.variables[name] {
            lines.append("  # no_proxy: unset: the environment's \(name)=\(value)")
        }
        return lines.joined(separator: "\n")
    }

    /// The settings in one line, for the daemon's start log.
    public func summary(environment: ProxyEnvironment) -> String {
        effectiveSettings(environment: environment).split(separator: "\n").dropFirst()
            .map { $0.trimmingPrefix(while: { $0 == " " || $0 == "#" }) }.joined(separator: "; ")
    }

    private static func shown(_ proxy: ProxyURL) -> String {
        proxy.hasCredentials ? "\(proxy.displayName)  # credentials hidden" : proxy.displayName
    }

    private static func shownEnvironmentValue(_ value: String) -> String {
        guard let proxy = try? ProxyURL(parsing: value, defaultScheme: .http) else { return "(set, but not a proxy URL curl can use)" }
        return proxy.hasCredentials ? "\(proxy.displayName) (credentials hidden)" : proxy.displayName
    }
}
