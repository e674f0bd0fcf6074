public import ScrapeCore
import ScrapeResilience
import ScrapeHTTP

extension StreamSettings {
    /// The settings of a `ws:` job (or of `scrape ws`, its flags set over the job or the
    /// defaults), with the `http:` section's user agent and backoff.
    ///
    /// - Parameter keyPath: where the job sits (`jobs[2].ws`), for messages about its `auth:`.
    /// - Throws: ``ConfigurationError`` when a secret of `auth:` cannot be resolved.
    public init(
        job: ScrapeConfiguration.Stream, keyPath: String, http: ScrapeConfiguration.HTTP, limit: ReconnectPolicy.Limit
    ) throws(ConfigurationError) {
        self.init(job, userAgent: http.userAgent, reconnect: ReconnectPolicy(limit: limit, backoff: http.backoff))
        if let auth = job.auth { credentials = try StreamCredentials(auth, keyPath: keyPath + ".auth", http: http) }
        proxy = try Self.tunnelProxy(http.proxy)
    }

    /// The proxy a WebSocket connection tunnels through: the first of `http.proxy`/`proxies`
    /// (a connection lives long; it does not rotate), which must be an `http://` one (CONNECT).
    /// The environment's proxy variables are not read for `ws://` URLs.
    static func tunnelProxy(_ settings: ScrapeConfiguration.HTTP.ProxySettings) throws(ConfigurationError) -> ProxyURL? {
        guard let first = settings.pool.first else { return nil }
        guard first.scheme == .http else {
            throw ConfigurationError(key: "proxy", message: "scrape ws tunnels through http:// proxies only (CONNECT), not \(first.scheme.rawValue)://")
        }
        return first
    }
}
