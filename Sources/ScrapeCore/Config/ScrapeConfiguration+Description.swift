import ScrapeHTTP
import ScrapeResilience
extension ScrapeConfiguration.HTTP {
    /// The settings as YAML, every key present (defaults included), for `scrape check-config`.
    public var effectiveSettings: String {
        """
        http:
          concurrency: \(concurrency)
          per_host_concurrency: \(adaptivePerHostConcurrency ? "auto:\(perHostConcurrency)" : "\(perHostConcurrency)")
          \(rate.map { "rate: \($0)" } ?? "# rate: unlimited")
          \(perHostRate.map { "per_host_rate: \($0)" } ?? "# per_host_rate: unlimited")
          timeout: \(timeout.configDescription)
          connect_timeout: \(connectTimeout.configDescription)
          retries: \(retries)
          backoff: {initial: \(backoff.initial.configDescription), max: \(backoff.maximum.configDescription)}
          max_retry_after: \(maxRetryAfter.configDescription)
          circuit_breaker: {failures: \(circuitBreaker.failureThreshold), cooldown: \(circuitBreaker.cooldown.configDescription), give_up_after: \(circuitBreaker.giveUpAfter.configDescription)}
          max_body: \(maxBody)
          max_redirects: \(maxRedirects)
          user_agent: "\(userAgent)"
          robots_txt: \(robotsTxt.rawValue)
          \(headers.count == 0 ? "# headers: none" : "headers: [\(headers.map(\.name).joined(separator: ", "))]  # names only: values are not shown")
          cookies: \(usesCookies)
          \(cookieJar.map { "cookie_jar: \"\($0)\"" } ?? "# cookie_jar: none")
        """
    }
}
