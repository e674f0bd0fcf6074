import ScrapeBase
public import ScrapeHTTP
import ScrapeResilience
public import ScrapeCore

/// Sends a page's request through a pool of proxies (`--proxies`, `http.proxies`; a single
/// `--proxy` is a pool of one), acting on ``ProxyPool``'s decisions.
///
/// Within one attempt of the page: a proxy that fails on its own (kind `proxy`) is taken
/// out and the request goes on through the next, spending none of the page's retries; a
/// 403 or 429 through a proxy of a pool of 2+ bans that (proxy, host) pair and the request
/// goes on through the next; a URL every proxy got a 403/429 for (or for which no other
/// proxy is usable now) keeps the last such answer. When no proxy is usable for the host,
/// the page waits for the first to come back, and after the breaker's `give_up_after`
/// without one it fails with kind `proxy` and the last failure.
///
/// The wait is the scheduler's: the attempt comes back with ``Exchange/waitUntil`` and the
/// job is queued again for then with the same attempt number, holding no slot, as behind
/// an open breaker.
public final class ProxyRotator: Sendable {
    /// How a pool's timings follow the breaker's.
    public struct Timings: Sendable {
        public var banCooldown: Duration
        public var maximumBanCooldown: Duration
        public var giveUpAfter: Duration
        public init(banCooldown: Duration = .seconds(30), maximumBanCooldown: Duration = .seconds(600), giveUpAfter: Duration = .seconds(300)) {
            self.banCooldown = banCooldown
            self.maximumBanCooldown = maximumBanCooldown
            self.giveUpAfter = giveUpAfter
        }
    }

    /// What one attempt through the pool gave.
    public struct Exchange: Sendable {
        /// The response, or the last failure.
        public var result: Result<FetchResponse, HTTPClientError>
        /// The label of the proxy that carried the response (``labels``).
        public var proxyLabel: String?
        /// Requests that reached the target (proxy failures not counted).
        public var reachedTarget: Int
        /// Set when no proxy is usable for the host now: the page waits until then (in the
        /// scheduler, holding no slot) and tries again; ``result`` is the failure to write
        /// should it never run again.
        public var waitUntil: ContinuousClock.Instant?
    }

    /// The pool's proxies in order.
    public let proxies: [ProxyURL]
    /// Each proxy's name for records, logs and metrics: its display name, with ` #N` (its
    /// 1-based place) when another entry has the same display name (same address, other credentials).
    public let labels: [String]
    private let pool: Locked<ProxyPool<ContinuousClock.Instant>>
    private let random = Locked(SystemRandomNumberGenerator())
    private let direct: NoProxyList?
    /// The pool's latest proxy failure, for a host that gives up without one of its own.
    private let latestFailure = Locked<String?>(nil)
    /// Each host's last proxy failure while it has no usable proxy, for the record written
    /// when it gives up (a waiting page starts a new `execute` each time it runs).
    private let lastFailures = Locked<[String: String]>([:])

    /// The rotator of a client's pool, nil when it has none.
    public convenience init?(_ configuration: HTTPClient.Configuration.Proxy) {
        guard let pool = configuration.pool, !pool.proxies.isEmpty else { return nil }
        self.init(
            proxies: pool.proxies, rotatesByHost: pool.rotatesByHost,
            timings: Timings(banCooldown: pool.banCooldown, maximumBanCooldown: pool.maximumBanCooldown, giveUpAfter: pool.giveUpAfter),
            direct: configuration.noProxy ?? configuration.environment.noProxy)
    }

    /// - Parameter direct: hosts that go direct, past the pool (`--no-proxy`, or the environment's `no_proxy`).
    public init(proxies: [ProxyURL], rotatesByHost: Bool, timings: Timings = Timings(), direct: NoProxyList? = nil) {
        self.direct = direct
        self.proxies = proxies
        self.labels = proxies.enumerated().map { index, proxy in
            let shared = proxies.filter { $0.displayName == proxy.displayName }.count > 1
            return shared ? "\(proxy.displayName) #\(index + 1)" : proxy.displayName
        }
        pool = Locked(ProxyPool(configuration: .init(
            count: proxies.count, rotation: rotatesByHost ? .host : .request, banCooldown: timings.banCooldown,
            maximumBanCooldown: timings.maximumBanCooldown, giveUpAfter: timings.giveUpAfter)))
    }

    /// One proxy's counts, by label, for metrics and the run summary.
    public struct Count: Sendable, Equatable {
        public var label: String
        /// Requests it carried to the target.
        public var requests: Int
        /// Its own failures (each took it out).
        public var failures: Int
        /// (proxy, host) bans it got.
        public var bans: Int
    }

    /// Every proxy's counts, in pool order.
    public var counts: [Count] {
        let counts = pool.withLock { $0.counts }
        return zip(labels, counts).map { Count(label: $0, requests: $1.requests, failures: $1.failures, bans: $1.bans) }
    }

    /// Sends `request` through the pool; nil when the task was cancelled.
    ///
    /// - Parameter waitInPlace: wait here for a usable proxy instead of returning
    ///   ``Exchange/waitUntil`` (robots.txt fetches, which the scheduler does not queue).
    public func execute(_ request: FetchRequest.Prepared, client: HTTPClient, waitInPlace: Bool = false) async -> Exchange? {
        let host = request.host
        if direct?.matches(host: host) == true {
            do {
                return Exchange(result: .success(try await client.execute(request.routed(.direct))), proxyLabel: nil, reachedTarget: 1)
            } catch let error as HTTPClientError {
                return Exchange(result: .failure(error), proxyLabel: nil, reachedTarget: 1)
            } catch {
                return nil
            }
        }
        var tried = Set<Int>()
        var blocked: (FetchResponse, Int)?
        var lastFailure: HTTPClientError?
        var reached = 0
        while !Task.isCancelled {
            let choice = pool.withLock { $0.choose(for: host, excluding: tried, at: .now) }
            switch choice {
            case .use(let index):
                let routed = request.routed(.proxy(proxies[index]))
                do {
                    let response = try await client.execute(routed)
                    reached += 1
                    if response.status == 403 || response.status == 429, proxies.count >= 2 {
                        pool.withLock { $0.recordBlocked(proxy: index, host: host, at: .now) }
                        tried.insert(index)
                        blocked = (response, index)
                        continue
                    }
                    pool.withLock { $0.recordCarried(proxy: index, host: host, at: .now) }
                    lastFailures.withLock { _ = $0.removeValue(forKey: host) }
                    return Exchange(result: .success(response), proxyLabel: labels[index], reachedTarget: reached)
                } catch let error as HTTPClientError where error.kind == .proxy {
                    random.withLock { generator in _ = pool.withLock { $0.recordFailure(proxy: index, at: .now, using: &generator) } }
                    tried.insert(index)
                    lastFailure = error
                    lastFailures.withLock { $0[host] = error.message }
                    latestFailure.withLock { $0 = error.message }
                } catch let error as HTTPClientError {
                    reached += 1
                    pool.withLock { $0.recordCarried(proxy: index, host: host, at: .now) }
                    return Exchange(result: .failure(error), proxyLabel: nil, reachedTarget: reached)
                } catch {
                    pool.withLock { $0.releaseProbe(proxy: index, at: .now) }
                    return nil
                }
            case .exhausted:
                if let (response, index) = blocked {
                    return Exchange(result: .success(response), proxyLabel: labels[index], reachedTarget: reached)
                }
                tried = []  // every proxy failed on its own: wait for one to come back
            case .wait(let until):
                if let (response, index) = blocked {
                    return Exchange(result: .success(response), proxyLabel: labels[index], reachedTarget: reached)
                }
                if waitInPlace {
                    do { try await Task.sleep(until: until, clock: .continuous) } catch { return nil }
                    continue
                }
                let last = (lastFailure?.message ?? lastFailures.withLock { $0[host] } ?? latestFailure.withLock { $0 }).map { ": last failure: \($0)" } ?? ""
                return Exchange(
                    result: .failure(.proxy("waiting for a usable proxy for \(host)\(last)")), proxyLabel: nil, reachedTarget: reached,
                    waitUntil: until)
            case .giveUp:
                let last = (lastFailure?.message ?? lastFailures.withLock { $0[host] } ?? latestFailure.withLock { $0 }).map { ": last failure: \($0)" } ?? ""
                return Exchange(result: .failure(.proxy("no usable proxy for \(host) within give_up_after\(last)")), proxyLabel: nil, reachedTarget: reached)
            }
        }
        return nil
    }
}

extension ProxyRotator.Exchange {
    /// Names the proxy by its pool label and counts only the requests that reached the
    /// target: proxy failures and the tries through other proxies of this attempt are not
    /// retries (`attempt` is the scheduler's attempt number).
    public func label(_ record: inout ScrapeRecord, attempt: Int) {
        if let proxyLabel { record.proxy = proxyLabel }
        record.attempts = attempt - 1 + reachedTarget
    }
}
