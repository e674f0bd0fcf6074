import ScrapeCore
import ScrapeHTTP

/// Stage 1 of the ``PagePipeline``: robots.txt. A path the origin's robots.txt forbids
/// gets a `robots_disallowed` record and no request; an origin whose robots.txt could not
/// be read (down, refusing, 5xx) gets that fetch's kind and `attempts: 0`, as RFC 9309
/// says to assume complete disallow. Either way the host's `Crawl-delay` goes to the
/// scheduler.
struct RobotsStage: RequestStage {
    let cache: RobotsCache

    func prepare(_ page: inout PageAttempt) async -> ScrapeRecord? {
        let request = page.request
        let rules = await cache.rules(for: request)
        page.crawlDelay = rules.crawlDelay
        guard !rules.allows(RobotsCache.pathAndQuery(of: request.request.url)) else { return nil }
        if let unavailable = rules.unavailable {
            // The host is down (or refusing), not forbidding: say so, with that fetch's kind.
            return ScrapeRecord(
                url: request.request.url, status: unavailable.status,
                error: .init(kind: unavailable.kind, message: unavailable.message), attempts: 0, fetchedAt: .now)
        }
        return ScrapeRecord(
            url: request.request.url,
            error: .init(kind: .robotsDisallowed, message: "robots.txt of \(request.origin) disallows this path"),
            attempts: page.number - 1, fetchedAt: .now)
    }
}
