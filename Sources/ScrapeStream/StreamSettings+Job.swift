public import ScrapeCore
import ScrapeResilience

extension StreamSettings {
    /// The settings of a `ws:` job (or of `scrape ws --config`): the job's keys over the
    /// defaults, the `http:` section's user agent and backoff.
    ///
    /// - Parameter keyPath: where the job sits (`jobs[2].ws`), for messages about its `auth:`.
    /// - Throws: ``ConfigurationError`` when a secret of `auth:` cannot be resolved.
    public init(
        job: ScrapeConfiguration.Stream, keyPath: String, http: ScrapeConfiguration.HTTP, limit: ReconnectPolicy.Limit
    ) throws(ConfigurationError) {
        self.init(url: job.url, userAgent: http.userAgent, reconnect: ReconnectPolicy(limit: limit, backoff: http.backoff))
        messagesToSend = job.send
        headers = job.headers
        subprotocol = job.subprotocol
        if let interval = job.pingInterval { pingInterval = interval }
        idleTimeout = job.idleTimeout
        if let size = job.maxMessageSize { maxMessageSize = size.bytes }
        compression = job.compression
        caCertificatePath = job.caCertificate
        if let auth = job.auth { credentials = try StreamCredentials(auth, keyPath: keyPath + ".auth", http: http) }
    }
}
