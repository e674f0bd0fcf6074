import ScrapeBase
public import ScrapeCore
import ScrapeHTTP
import ScrapeResilience

extension StreamSettings {
    /// The settings of a `ws:` job (or of `scrape ws`, its flags set over the job or the
    /// defaults), with the `http:` section's user agent, backoff and headers: `http.headers`
    /// go on the handshake too, below the job's `headers:` and the flags (a name they give
    /// is theirs).
    ///
    /// - Parameter keyPath: where the job sits (`jobs[2].ws`), for messages about its `auth:`.
    /// - Throws: ``ConfigurationError`` when a secret of `auth:` cannot be resolved, or an
    ///   `http.headers` name is one the handshake writes itself.
    public init(
        job: ScrapeConfiguration.Stream, keyPath: String, http: ScrapeConfiguration.HTTP, limit: ReconnectPolicy.Limit
    ) throws(ConfigurationError) {
        self.init(job, userAgent: http.userAgent, reconnect: ReconnectPolicy(limit: limit, backoff: http.backoff))
        for field in http.headers where !job.headers.contains(where: { $0.name.lowercased() == field.name.lowercased() }) {
            if let problem = ScrapeConfiguration.Stream.reservedHeaderProblem(field.name) {
                throw ConfigurationError(key: "http.headers.\(field.name)", message: "\(problem); it cannot go on a ws: stream's handshake")
            }
            headers.append((field.name, field.value))
        }
        if let auth = job.auth { credentials = try StreamCredentials(auth, keyPath: keyPath + ".auth", http: http) }
        proxy = try Self.tunnelProxy(http.proxy, target: job.url)
    }

    /// The proxy a WebSocket connection tunnels through, as curl would choose for the URL:
    /// the first of `http.proxy`/`proxies` (a connection lives long; it does not rotate);
    /// without either, the environment's (`http_proxy` for `ws://`, `https_proxy` for
    /// `wss://`, else `all_proxy`); none with `proxy: none`, or when the host is in
    /// `no_proxy` (`http.no_proxy`, else the environment's). It must be an `http://` proxy:
    /// the connection asks it for a tunnel with CONNECT.
    static func tunnelProxy(
        _ settings: ScrapeConfiguration.HTTP.ProxySettings, target: StreamURL, environment: ProxyEnvironment = ProxyEnvironment()
    ) throws(ConfigurationError) -> ProxyURL? {
        let chosen: ProxyURL
        let key: String
        switch settings.choice {
        case .direct:
            return nil
        case .pool(let proxies):
            guard let first = proxies.first else { return nil }
            (chosen, key) = (first, "proxy")
        case .environment:
            let scheme = target.isSecure ? "https" : "http"
            guard let variable = environment.variable(forScheme: scheme), let proxy = environment.proxy(forScheme: scheme) else { return nil }
            (chosen, key) = (proxy, "the environment's \(variable.name)")
        }
        if (settings.noProxy ?? environment.noProxy)?.matches(host: target.host) == true { return nil }
        guard chosen.scheme == .http else {
            throw ConfigurationError(
                key: key,
                message: "scrape ws tunnels through http:// proxies only (CONNECT), not \(chosen.scheme.rawValue)://"
                    + (key == "proxy" ? "" : "; give --proxy none to go direct, or --proxy http://…"))
        }
        return chosen
    }
}
