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
        configuration.proxy = proxy.clientProxy
        configuration.proxy.pool?.banCooldown = circuitBreaker.cooldown
        configuration.proxy.pool?.maximumBanCooldown = circuitBreaker.maximumCooldown
        configuration.proxy.pool?.giveUpAfter = circuitBreaker.giveUpAfter
        return configuration
    }
}
