public import ScrapeCore
import ScrapeResilience

extension ScrapeConfiguration.HTTP {
    /// The scheduler's limits for these settings: overall and per host, fixed or adaptive
    /// (`per_host_concurrency: auto`, ceiling ``perHostConcurrency``).
    public var schedulerLimits: Scheduler<ContinuousClock>.Limits {
        Scheduler.Limits(
            concurrency: concurrency, perHostConcurrency: perHostConcurrency,
            adaptivePerHost: adaptivePerHostConcurrency ? AdaptiveLimitConfiguration(ceiling: perHostConcurrency) : nil)
    }

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
