public import ScrapeCore
import ScrapeResilience

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
    }
}
