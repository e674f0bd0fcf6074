public import ScrapeCore
import ScrapeHTTP
import ScrapeResilience
import ScrapeHTTP

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
