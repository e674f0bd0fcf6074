import ScrapeCore
public import ScrapeHTTP
import ScrapeBase

/// robots.txt per origin (scheme, host, port): fetched once, shared by every request to
/// that origin, and kept for the run (up to ``capacity`` origins, oldest forgotten first).
///
/// Concurrent requests for an origin whose robots.txt is being fetched wait for that one
/// fetch. Outcomes follow RFC 9309: 2xx is parsed; 4xx (but 429) allows everything; 429,
/// 5xx and unreachable disallow everything for the run, and say why
/// (``RobotsRules/unavailable``), so the URLs' records name the failed fetch, not a rule.
///
/// With a ``RobotsStore`` (fleet mode's, or the daemon's ``SharedRobotsDocuments``),
/// documents come from the store, which fetches each origin's once for every process or
/// run sharing it, and are kept here only as long as the store says (24 hours, or less
/// when the server's `Cache-Control: max-age` says less).
public actor RobotsCache {
    private enum Entry {
        case fetching([CheckedContinuation<RobotsRules, Never>])
        case ready(RobotsRules, until: ContinuousClock.Instant?)
    }

    private let client: HTTPClient
    /// The client's proxy pool for robots.txt fetches (a dead proxy is skipped as for pages).
    private let proxies: ProxyRotator?
    private let userAgentToken: String
    private let capacity: Int
    private let store: (any RobotsStore)?
    /// The run's headers and cookie jar, sent with each robots.txt request as with its pages.
    private let session: RequestDefaults
    private var entries: [String: Entry] = [:]
    private var order: [String] = []
    /// - Parameters:
    ///   - client: the client that fetches robots.txt.
    ///   - userAgent: the `User-Agent` sent; its product token (before `/`) selects the group.
    ///   - capacity: origins remembered.
    ///   - store: where documents are shared beyond this process; nil fetches each here.
    ///   - session: the run's headers and cookie jar; none by default.
    public init(
        client: HTTPClient, userAgent: String, capacity: Int = 10_000, store: (any RobotsStore)? = nil, session: RequestDefaults = .none
    ) {
        self.session = session
        self.client = client
        self.proxies = ProxyRotator(client.configuration.proxy)
        self.userAgentToken = String(userAgent.prefix { $0 != "/" && $0 != " " }).lowercased()
        self.capacity = max(1, capacity)
        self.store = store
    }

    /// The rules for the origin of `request`.
    public func rules(for request: FetchRequest.Prepared) async -> RobotsRules {
        let origin = Self.origin(of: request)
        switch entries[origin] {
        case .ready(let rules, let until) where until.map({ ContinuousClock.now < $0 }) ?? true:
            return rules
        case .fetching(var waiters):
            return await withCheckedContinuation { continuation in
                waiters.append(continuation)
                entries[origin] = .fetching(waiters)
            }
        case .ready, nil:
            entries[origin] = .fetching([])
            let (rules, until) = await load(origin)
            guard case .fetching(let waiters) = entries[origin] else { return rules }
            if Task.isCancelled {
                entries[origin] = nil  // a cancelled fetch says nothing about the site
            } else {
                entries[origin] = .ready(rules, until: until)
                remember(origin)
            }
            waiters.forEach { $0.resume(returning: rules) }
            return rules
        }
    }

    /// The origin's rules, from the store when there is one, and until when they hold.
    private func load(_ origin: String) async -> (RobotsRules, ContinuousClock.Instant?) {
        let (client, proxies, session) = (self.client, self.proxies, self.session)
        guard let store else {
            return (
                await Self.fetch(origin + "/robots.txt", client: client, proxies: proxies, session: session).document.rules(userAgentToken: userAgentToken),
                nil)
        }
        let (document, keepFor) = await store.document(origin: origin) {
            await Self.fetch(origin + "/robots.txt", client: client, proxies: proxies, session: session)
        }
        return (document.rules(userAgentToken: userAgentToken), ContinuousClock.now + keepFor)
    }

    /// One robots.txt fetch, and the `Cache-Control: max-age` its answer gave.
    private static func fetch(
        _ url: String, client: HTTPClient, proxies: ProxyRotator?, session: RequestDefaults
    ) async -> (document: RobotsDocument, maxAge: Duration?) {
        do {
            let response: FetchResponse
            let request = session.applied(to: FetchRequest(url: url))
            if let proxies {
                let prepared = try FetchRequest.Prepared(request, maxURLLength: client.configuration.limits.maxURLLength)
                guard let exchange = await proxies.execute(prepared, client: client, waitInPlace: true) else { throw CancellationError() }
                response = try exchange.result.get()
            } else {
                response = try await client.execute(request)
            }
            let maxAge = response.headers.first(name: "cache-control").flatMap(Self.maxAge(inCacheControl:))
            switch response.status {
            case 200..<300:
                return (.text(String(decoding: response.body, as: UTF8.self)), maxAge)
            case 429, 500...:
                return (.unavailable(.init(
                    kind: .http, status: response.status,
                    message: "\(url) answered HTTP \(response.status); RFC 9309 says to assume complete disallow until it can be read")), maxAge)
            default:
                return (.allowAll, maxAge)
            }
        } catch let error as HTTPClientError where error.kind == .tooLarge {
            return (.allowAll, nil)  // absurd robots.txt: RFC 9309 lets us parse only the start; be lenient
        } catch let error as HTTPClientError {
            return (.unavailable(.init(
                kind: ErrorKind(error.kind), message: "\(url) could not be fetched (\(error.message)); RFC 9309 says to assume complete disallow")), nil)
        } catch {
            return (.unavailable(.init(kind: .cancelled, message: "\(url) could not be fetched: the run is stopping")), nil)
        }
    }

    /// `max-age=N` of a `Cache-Control` value, as a duration; nil without one.
    static func maxAge(inCacheControl value: String) -> Duration? {
        for directive in value.split(separator: ",") {
            let parts = directive.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, parts[0].trimmingCharacters(in: " ").lowercased() == "max-age",
                let seconds = Int64(parts[1].trimmingCharacters(in: " \""))
            else { continue }
            return .seconds(max(0, seconds))
        }
        return nil
    }

    private func remember(_ origin: String) {
        order.append(origin)
        if order.count > capacity {
            let oldest = order.removeFirst()
            entries[oldest] = nil
        }
    }

    /// `scheme://host[:port]` of the request's URL, as curl parsed it.
    static func origin(of request: FetchRequest.Prepared) -> String {
        let url = request.request.url
        guard let schemeEnd = url.firstRange(of: "://") else { return url }
        let afterScheme = url[schemeEnd.upperBound...]
        let authority = afterScheme.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        let hostPort = authority.split(separator: "@").last.map(String.init) ?? String(authority)
        return "\(request.scheme)://\(hostPort.lowercased())"
    }

    /// The path and query of the request, as robots.txt rules see them.
    static func pathAndQuery(of url: String) -> String {
        guard let schemeEnd = url.firstRange(of: "://") else { return "/" }
        let afterScheme = url[schemeEnd.upperBound...]
        guard let pathStart = afterScheme.firstIndex(where: { $0 == "/" || $0 == "?" }) else { return "/" }
        var rest = afterScheme[pathStart...]
        if let fragment = rest.firstIndex(of: "#") { rest = rest[..<fragment] }
        return rest.first == "?" ? "/" + rest : String(rest)
    }
}
