#if canImport(Glibc)
import Glibc
#endif

/// The proxy variables of the environment, read as libcurl 7.88 reads them.
///
/// libcurl applies them by itself to every transfer that sets no `CURLOPT_PROXY`; this
/// snapshot, taken once at start, lets scrape say which proxy a request went through and
/// show the settings in force (`check-config`, the daemon's start log) without ever
/// showing credentials. curl's rules: for a URL of scheme S, `S_proxy` (lowercase) and then
/// `S_PROXY`, except that `HTTP_PROXY` in uppercase is never read (a CGI program's
/// environment carries a client's `Proxy:` header there); then `all_proxy`, `ALL_PROXY`.
/// `no_proxy`, then `NO_PROXY`, lists hosts that go direct (``NoProxyList``). A value
/// without a scheme means `http://`.
public struct ProxyEnvironment: Sendable, Hashable {
    /// The variables that were set and not empty, name and value.
    public let variables: [String: String]

    /// A snapshot of the given variables (the process's by default).
    public init(_ variables: [String: String] = ProxyEnvironment.processVariables()) {
        self.variables = variables.filter { Self.names.contains($0.key) && !$0.value.isEmpty }
    }

    /// Every variable curl reads for http and https URLs.
    public static let names = ["http_proxy", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY", "no_proxy", "NO_PROXY"]

    /// The name and value of the variable curl uses for a URL of `scheme`, if any.
    public func variable(forScheme scheme: String) -> (name: String, value: String)? {
        var candidates = [scheme.lowercased() + "_proxy"]
        if scheme.lowercased() != "http" { candidates.append(scheme.uppercased() + "_PROXY") }
        candidates += ["all_proxy", "ALL_PROXY"]
        for name in candidates {
            if let value = variables[name] { return (name, value) }
        }
        return nil
    }

    /// The proxy curl uses for a URL of `scheme`, parsed; nil when none is set or its text
    /// does not parse (curl then fails such transfers itself).
    public func proxy(forScheme scheme: String) -> ProxyURL? {
        guard let value = variable(forScheme: scheme)?.value else { return nil }
        return try? ProxyURL(parsing: value, defaultScheme: .http)
    }

    /// `no_proxy` (or `NO_PROXY`), when set.
    public var noProxy: NoProxyList? {
        (variables["no_proxy"] ?? variables["NO_PROXY"]).map(NoProxyList.init)
    }

    /// Whether any proxy variable (not counting no_proxy) is set.
    public var namesAProxy: Bool { variables.keys.contains { !$0.lowercased().hasPrefix("no_") } }

    /// The process's proxy variables.
    public static func processVariables() -> [String: String] {
        var found: [String: String] = [:]
        for name in names {
            if let value = getenv(name) { found[name] = String(cString: value) }
        }
        return found
    }
}
