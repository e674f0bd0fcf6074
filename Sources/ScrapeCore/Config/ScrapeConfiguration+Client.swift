public import ScrapeHTTP
import ScrapeResilience

extension ScrapeConfiguration.HTTP {
    /// The HTTP client's configuration for these settings: connections sized to the
    /// scheduler's limits, so no transfer ever waits inside curl with its timeout running.
    public var clientConfiguration: HTTPClient.Configuration {
        var configuration = HTTPClient.Configuration()
        configuration.connections.maxTotal = concurrency
        configuration.connections.maxPerHost = min(perHostConcurrency, concurrency)
        configuration.timeouts.total = timeout
        configuration.timeouts.connect = connectTimeout
        configuration.limits.maxBodyBytes = maxBody.bytes
        configuration.limits.maxRedirects = maxRedirects
        configuration.userAgent = userAgent
        return configuration
    }
}

extension ScrapeConfiguration.HTTP {
    /// The scheduler's politeness for these settings: rates, retries with backoff and
    /// `Retry-After`, and the per-origin circuit breaker.
    public var politeness: Scheduler<ContinuousClock>.Politeness {
        Scheduler.Politeness(
            globalRate: rate?.perSecond,
            perHostRate: perHostRate?.perSecond,
            retry: RetryPolicy(maxAttempts: retries + 1, backoff: backoff, maxRetryAfter: maxRetryAfter),
            breaker: circuitBreaker
        )
    }
}
