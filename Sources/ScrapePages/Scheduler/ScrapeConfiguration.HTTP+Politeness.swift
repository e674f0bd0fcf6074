public import ScrapeCore
import ScrapeResilience

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
