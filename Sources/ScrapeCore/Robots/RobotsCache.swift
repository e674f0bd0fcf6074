public import ScrapeHTTP

/// robots.txt per origin (scheme, host, port): fetched once, shared by every request to
/// that origin, and kept for the run (up to ``capacity`` origins, oldest forgotten first).
///
/// Concurrent requests for an origin whose robots.txt is being fetched wait for that one
/// fetch. Outcomes follow RFC 9309: 2xx is parsed; 4xx (but 429) allows everything; 429,
/// 5xx and unreachable disallow everything for the run, and say why
/// (``RobotsRules/unavailable``), so the URLs' records name the failed fetch, not a rule.
public actor RobotsCache {
    private enum Entry {
        case fetching([CheckedContinuation<RobotsRules, Never>])
        case ready(RobotsRules)
    }

    private let client: HTTPClient
    private let userAgentToken: String
    private let capacity: Int
    private var entries: [String: Entry] = [:]
    private var order: [String] = []
    /// robots.txt requests made (for the summary and tests).


    /// - Parameters:
    ///   - client: the client that fetches robots.txt.
    ///   - userAgent: the `User-Agent` sent; its product token (before `/`) selects the group.
    ///   - capacity: origins remembered.
    public init(client: HTTPClient, userAgent: String, capacity: Int = 10_000) {
        self.client = client
        self.userAgentToken = String(userAgent.prefix { $0 != "/" && $0 != " " }).lowercased()
        self.capacity = max(1, capacity)
    }

    /// The rules for the origin of `request`.
    public func rules(for request: FetchRequest.Prepared) async -> RobotsRules {
        let origin = Self.origin(of: request)
        switch entries[origin] {
        case .ready(let rules):
            return rules
        case .fetching(var waiters):
            return await withCheckedContinuation { continuation in
                waiters.append(continuation)
                entries[origin] = .fetching(waiters)
            }
        case nil:
            entries[origin] = .fetching([])
            let rules = await fetch(origin + "/robots.txt")
            guard case .fetching(let waiters) = entries[origin] else { return rules }
            if Task.isCancelled {
                entries[origin] = nil  // a cancelled fetch says nothing about the site
            } else {
                entries[origin] = .ready(rules)
                remember(origin)
            }
            waiters.forEach { $0.resume(returning: rules) }
            return rules
        }
    }

    private func fetch(_ url: String) async -> RobotsRules {
        do {
            let response = try await client.execute(FetchRequest(url: url))
            switch response.status {
            case 200..<300:
                return RobotsRules(parsing: String(decoding: response.body, as: UTF8.self), userAgent: userAgentToken)
            case 429, 500...:
                return .disallowAll(because: .init(
                    kind: "http", status: response.status,
                    message: "\(url) answered HTTP \(response.status); RFC 9309 says to assume complete disallow until it can be read"))
            default:
                return .allowAll
            }
        } catch let error as HTTPClientError where error.kind == .tooLarge {
            return .allowAll  // absurd robots.txt: RFC 9309 lets us parse only the start; be lenient
        } catch let error as HTTPClientError {
            return .disallowAll(because: .init(
                kind: error.kind.rawValue, message: "\(url) could not be fetched (\(error.message)); RFC 9309 says to assume complete disallow"))
        } catch {
            return .disallowAll(because: .init(kind: "cancelled", message: "\(url) could not be fetched: the run is stopping"))
        }
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
