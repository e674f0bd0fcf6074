import Foundation
import Hummingbird
import HTTPTypes
import NIOCore
import ScrapeBase

/// A paginated JSON API in every style `scrape api` supports, behind auth.
///
/// Every route takes `n` (records in all, default 25) and `size` (page size, default 10).
/// Record `i` is pretty-printed with keys out of alphabetical order, an integer above 2^53
/// and a long decimal, so byte-exact copying shows. Accepted credentials: `Bearer t0ken`,
/// `X-API-Key: k3y` or `?api_key=k3y`, Basic `me:pa55`, or an OAuth2 token from
/// `POST /oauth/token` (client `cid`/`cs3cret`); the first OAuth2 token stops working
/// after 2 uses, to exercise a refresh after 401.
enum APIRoutes {
    static func register(on router: Router<TestRequestContext>) {
        let state = APIState()
        router.post("/oauth/token") { request, _ in
            let body = String(buffer: try await request.body.collect(upTo: 64 * 1024))
            guard body.contains("grant_type=client_credentials"), body.contains("client_id=cid"), body.contains("client_secret=cs3cret") else {
                return json("{\"error\":\"invalid_client\"}", status: .unauthorized)
            }
            return json("{\"access_token\":\"\(state.issueToken())\",\"token_type\":\"bearer\",\"expires_in\":3600}")
        }
        let group = router.group("api").add(middleware: AuthMiddleware(state: state))
        group.get("pages") { request, _ in
            let (n, size) = sizes(request)
            let page = request.uri.queryParameters.get("page", as: Int.self) ?? 1
            if let key = request.uri.queryParameters.get("throttle"), page == 2, state.firstTime("throttle-" + key) {
                return Response(status: .tooManyRequests, headers: [.retryAfter: "1"])
            }
            // `hold=KEY`: page 2 answers after 300 ms; every page's arrival, and page 2's
            // answer, are logged under KEY (`GET /api/events?key=KEY` lists them).
            if let key = request.uri.queryParameters.get("hold") {
                state.log("arrive \(page)", under: key)
                if page == 2 {
                    try await Task.sleep(for: .milliseconds(300))
                    state.log("answer 2", under: key)
                }
            }
            // `overlap=KEY`: pages after the first answer only once two of them are in flight
            // at the same time (504 after 5 s), which a page-by-page walk never does.
            if let key = request.uri.queryParameters.get("overlap"), page >= 2, try await !meet(key, as: "\(page)", parties: 2, state: state) {
                return json("{\"error\": \"pages were not fetched at once\"}", status: .conflict)
            }
            let items = records((page - 1) * size, min(n, page * size))
            return json("{\"data\": {\"items\": \(items)}, \"total_pages\": \((n + size - 1) / size)}")
        }
        group.get("offset") { request, _ in
            let (n, _) = sizes(request)
            let offset = request.uri.queryParameters.get("offset", as: Int.self) ?? 0
            let limit = request.uri.queryParameters.get("limit", as: Int.self) ?? 10
            if let key = request.uri.queryParameters.get("overlap"), offset > 0, try await !meet(key, as: "\(offset)", parties: 2, state: state) {
                return json("{\"error\": \"pages were not fetched at once\"}", status: .conflict)
            }
            return json("{\"items\": \(records(offset, min(n, offset + limit))), \"total\": \(n)}")
        }
        group.get("cursor") { request, _ in
            let (n, size) = sizes(request)
            let start = Int(request.uri.queryParameters.get("cursor")?.dropFirst() ?? "0") ?? 0
            let end = min(n, start + size)
            let next = end < n ? "\"c\(end)\"" : "null"
            return json("{\"items\": \(records(start, end)), \"meta\": {\"next_cursor\": \(next)}}")
        }
        group.get("link") { request, _ in
            let (n, size) = sizes(request)
            let page = request.uri.queryParameters.get("page", as: Int.self) ?? 1
            let end = min(n, page * size)
            let next = end < n ? "\"link?page=\(page + 1)&n=\(n)&size=\(size)\"" : "null"
            return json("{\"items\": \(records((page - 1) * size, end)), \"next\": \(next)}")
        }
        group.get("header-link") { request, _ in
            let (n, size) = sizes(request)
            let page = request.uri.queryParameters.get("page", as: Int.self) ?? 1
            let end = min(n, page * size)
            var links = ["</api/header-link?page=1&n=\(n)&size=\(size)>; rel=\"first\"; title=\"a, b\""]
            if end < n { links.append("</api/header-link?page=\(page + 1)&n=\(n)&size=\(size)>; rel=\"next\"") }
            var response = json(records((page - 1) * size, end))
            response.headers[HTTPField.Name("Link")!] = links.joined(separator: ", ")
            return response
        }
        group.get("header-cursor") { request, _ in
            let (n, size) = sizes(request)
            let start = Int(request.uri.queryParameters.get("cursor") ?? "0") ?? 0
            let end = min(n, start + size)
            var response = json(records(start, end))
            if end < n { response.headers[HTTPField.Name("X-Next-Cursor")!] = String(end) }
            return response
        }
        group.get("single") { request, _ in json(records(0, sizes(request).n)) }
        // `slow?key=K&page=P`: 3 pages of one record, each after 30 ms, counting how many
        // requests with key K are in flight at once (`GET /api/slow-peak?key=K` answers
        // `[{"peak": N}]`, the most).
        group.get("slow") { request, _ in
            let key = request.uri.queryParameters.get("key") ?? ""
            let page = request.uri.queryParameters.get("page", as: Int.self) ?? 1
            state.enter(key)
            try await Task.sleep(for: .milliseconds(30))
            state.leave(key)
            return json("{\"items\": [{\"page\": \(page)}], \"total_pages\": 3}")
        }
        group.get("events") { request, _ in
            let events = state.events(under: request.uri.queryParameters.get("key") ?? "")
            return json("[" + events.map { "{\"event\": \"\($0)\"}" }.joined(separator: ", ") + "]")
        }
        group.get("slow-peak") { request, _ in json("[{\"peak\": \(state.peak(request.uri.queryParameters.get("key") ?? ""))}]") }
        // Parents and children: `users?n=N&size=S` pages users {"id", "name"} (with
        // `total_pages`; `fail_page=P` answers 400 there); `users/:id/orders?page=P` pages
        // three orders per user, two a page, by Link headers (`throttle=ID`: that user's
        // first request answers 429 with Retry-After: 1).
        group.get("users") { request, _ in
            let (n, size) = sizes(request)
            let page = request.uri.queryParameters.get("page", as: Int.self) ?? 1
            if request.uri.queryParameters.get("fail_page", as: Int.self) == page { return json("{\"error\": \"bad page\"}", status: .badRequest) }
            // `wait_child=KEY`: pages after the first answer only once a child request has
            // arrived with `arrive=KEY` (409 otherwise): children must start mid-parent.
            if let key = request.uri.queryParameters.get("wait_child"), page >= 2, try await !meet(key, as: "parent", parties: 2, state: state) {
                return json("{\"error\": \"no child request arrived while the parent ran\"}", status: .conflict)
            }
            let users = ((page - 1) * size..<min(n, page * size)).map { "{\"id\": \($0 + 1), \"name\": \"user \($0 + 1)\"}" }
            return json("{\"users\": [\(users.joined(separator: ", "))], \"total_pages\": \((n + size - 1) / size)}")
        }
        group.get("users/:id/orders") { request, context in
            let id = try context.parameters.require("id", as: Int.self)
            let page = request.uri.queryParameters.get("page", as: Int.self) ?? 1
            if let key = request.uri.queryParameters.get("arrive") { state.arrive(at: key, as: "child") }
            if request.uri.queryParameters.get("throttle", as: Int.self) == id, state.firstTime("orders-throttle-\(id)") {
                return Response(status: .tooManyRequests, headers: [.retryAfter: "1"])
            }
            let orders = ((page - 1) * 2..<min(3, page * 2)).map { "{\"order\": \"u\(id)-o\($0 + 1)\", \"total\": \(id * 10 + $0)}" }
            var response = json("[\(orders.joined(separator: ", "))]")
            if page * 2 < 3 {
                response.headers[HTTPField.Name("Link")!] = "</api/users/\(id)/orders?page=\(page + 1)\(request.uri.query.map { "&" + $0.split(separator: "&").filter { !$0.hasPrefix("page=") }.joined(separator: "&") } ?? "")>; rel=\"next\""
            }
            return response
        }
        // Answers only once `parties` distinct requests with the same `key` have arrived (409 after
        // 5 s): requests made one after another can never pass it, so it proves concurrency
        // without timing anything.
        group.get("barrier") { request, _ in
            let key = request.uri.queryParameters.get("key") ?? ""
            let parties = request.uri.queryParameters.get("parties", as: Int.self) ?? 2
            guard try await meet(key, as: request.uri.query ?? "", parties: parties, state: state) else { return json("{\"error\": \"alone at the barrier\"}", status: .conflict) }
            return json(records(0, sizes(request).n))
        }
        registerBodyRoutes(on: group, state: state)
        group.get("cursor-loop") { _, _ in json("{\"items\": \(records(0, 1)), \"meta\": {\"next_cursor\": \"same\"}}") }
        group.get("since") { request, _ in
            let (n, _) = sizes(request)
            let since = request.uri.queryParameters.get("updated_since") ?? ""
            let ids = (0..<n).filter { timestamp($0) > since }
            return json("[" + ids.map(record).joined(separator: ",") + "]")
        }
    }

    /// POST endpoints that read their paging from a JSON body. Each record is
    /// `{"id": i, "sent": <the request body as received>}`, so a test sees every body sent.
    ///
    /// - `search-cursor`: needs `"q"` in the body; the cursor at `paging.cursor` (a number,
    ///   absent on the first page); answers `{"items": [...], "next": N or null}`.
    /// - `search-offset`: `range.offset` and `range.limit` in the body (400 when the query
    ///   has them); `{"items": [...], "total": n}`.
    /// - `search-pages` (PUT): `page` (from 1) in the body, `size` records a page; `{"items": [...]}`.
    /// - `post-once-fails?key=K&status=S[&retry_after=1]`: the first POST for K answers S (with
    ///   `Retry-After` when asked), then one page of 3 records.
    private static func registerBodyRoutes(on group: RouterGroup<TestRequestContext>, state: APIState) {
        group.post("search-cursor") { request, _ in
            let (n, size) = sizes(request)
            let (text, object) = try await body(request)
            guard request.headers[.contentType] == "application/json", object["q"] != nil else {
                return json("{\"error\": \"expected a JSON body with q\"}", status: .badRequest)
            }
            let start = ((object["paging"] as? [String: Any])?["cursor"] as? Int) ?? 0
            let end = min(n, start + size)
            return json("{\"items\": \(items(start..<end, sent: text)), \"next\": \(end < n ? String(end) : "null")}")
        }
        group.post("search-offset") { request, _ in
            guard request.uri.queryParameters.get("offset") == nil, request.uri.queryParameters.get("limit") == nil else {
                return json("{\"error\": \"offset and limit belong in the body\"}", status: .badRequest)
            }
            let (n, _) = sizes(request)
            let (text, object) = try await body(request)
            let range = object["range"] as? [String: Any] ?? [:]
            let offset = range["offset"] as? Int ?? 0
            let limit = range["limit"] as? Int ?? 10
            return json("{\"items\": \(items(offset..<min(n, offset + limit), sent: text)), \"total\": \(n)}")
        }
        group.on("search-pages", method: .put) { request, _ in
            let (n, size) = sizes(request)
            let (text, object) = try await body(request)
            let page = object["page"] as? Int ?? 1
            return json("{\"items\": \(items(min(n, (page - 1) * size)..<min(n, page * size), sent: text))}")
        }
        group.post("post-once-fails") { request, _ in
            let key = request.uri.queryParameters.get("key") ?? ""
            let status = request.uri.queryParameters.get("status", as: Int.self) ?? 500
            let (text, _) = try await body(request)
            if state.firstTime("post-" + key) {
                var response = json("{\"error\": \"try later\"}", status: HTTPResponse.Status(code: status))
                if request.uri.queryParameters.get("retry_after") != nil { response.headers[.retryAfter] = "1" }
                return response
            }
            return json("{\"items\": \(items(0..<3, sent: text.isEmpty ? "null" : text))}")
        }
    }

    /// Arrives at barrier `key` as `member` and waits until `parties` distinct members have
    /// (a retry of the same page is the same member): true then, false after 5 s without
    /// them. The overlap checks answer 409 then, which is not retried.
    private static func meet(_ key: String, as member: String, parties: Int, state: APIState) async throws -> Bool {
        state.arrive(at: key, as: member)
        let deadline = ContinuousClock.now + .seconds(5)
        while state.arrivals(at: key) < parties {
            guard ContinuousClock.now < deadline else { return false }
            try await Task.sleep(for: .milliseconds(5))
        }
        return true
    }

    /// The request's body, as text and (when it is one) as a JSON object.
    private static func body(_ request: Request) async throws -> (text: String, object: [String: Any]) {
        let text = String(buffer: try await request.body.collect(upTo: 64 * 1024))
        let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
        return (text, object)
    }

    /// Records `{"id": i, "sent": <body>}` for `range`.
    private static func items(_ range: Range<Int>, sent: String) -> String {
        "[" + range.map { "{\"id\": \($0), \"sent\": \(sent)}" }.joined(separator: ", ") + "]"
    }

    private static func sizes(_ request: Request) -> (n: Int, size: Int) {
        (request.uri.queryParameters.get("n", as: Int.self) ?? 25, request.uri.queryParameters.get("size", as: Int.self) ?? 10)
    }

    /// `updated_at` of record `i`: one second apart from 2024-01-01T00:00:00Z.
    static func timestamp(_ i: Int) -> String {
        func pad(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "2024-01-0\(1 + i / 86_400)T\(pad(i / 3600 % 24)):\(pad(i / 60 % 60)):\(pad(i % 60))Z"
    }

    static func record(_ i: Int) -> String {
        "{\n  \"z\": \(i),\n  \"id\": \(i),\n  \"big\": \(9_007_199_254_740_993 + UInt64(i) * 2),\n  \"huge\": 123456789012345678901234567890,\n  \"price\": 1.10000000000000000001,\n  \"name\": \"item \(i) \\u00fc \\\"q\\\"\",\n  \"updated_at\": \"\(timestamp(i))\"\n}"
    }

    private static func records(_ start: Int, _ end: Int) -> String {
        "[\n" + (start..<max(start, end)).map(record).joined(separator: ",\n") + "\n]"
    }

    private static func json(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}

/// Tokens issued and one-time events.
final class APIState: Sendable {
    private struct State {
        var issued = 0
        var uses: [String: Int] = [:]
        var events: Set<String> = []
        var arrivals: [String: Set<String>] = [:]
        var inFlight: [String: Int] = [:]
        var logs: [String: [String]] = [:]
        var peaks: [String: Int] = [:]
    }

    private let state = Locked(State())

    func issueToken() -> String {
        state.withLock { state in
            state.issued += 1
            return "oauth-\(state.issued)"
        }
    }

    /// Whether an OAuth2 token is valid: issued, and not the first one past its 2nd use.
    func accepts(token: String) -> Bool {
        state.withLock { state in
            guard token.hasPrefix("oauth-"), let number = Int(token.dropFirst(6)), number >= 1, number <= state.issued else { return false }
            state.uses[token, default: 0] += 1
            return !(number == 1 && state.uses[token]! > 2)
        }
    }

    func arrive(at barrier: String, as member: String) {
        _ = state.withLock { $0.arrivals[barrier, default: []].insert(member) }
    }

    /// How many distinct members arrived at `barrier`.
    func arrivals(at barrier: String) -> Int {
        state.withLock { $0.arrivals[barrier]?.count ?? 0 }
    }

    func enter(_ key: String) {
        state.withLock { state in
            state.inFlight[key, default: 0] += 1
            state.peaks[key] = max(state.peaks[key] ?? 0, state.inFlight[key]!)
        }
    }

    func leave(_ key: String) {
        state.withLock { $0.inFlight[key, default: 1] -= 1 }
    }

    func log(_ event: String, under key: String) {
        state.withLock { $0.logs[key, default: []].append(event) }
    }

    func events(under key: String) -> [String] {
        state.withLock { $0.logs[key] ?? [] }
    }

    /// The most requests with `key` in flight at once so far.
    func peak(_ key: String) -> Int {
        state.withLock { $0.peaks[key] ?? 0 }
    }

    func firstTime(_ event: String) -> Bool {
        state.withLock { $0.events.insert(event).inserted }
    }
}

/// 401 unless the request carries one of the accepted credentials.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = TestRequestContext
    let state: APIState

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let authorization = request.headers[.authorization] ?? ""
        let accepted = authorization == "Bearer t0ken" || authorization == "Basic bWU6cGE1NQ=="
            || request.headers[HTTPField.Name("X-API-Key")!] == "k3y" || request.uri.queryParameters.get("api_key") == "k3y"
            || (authorization.hasPrefix("Bearer oauth-") && state.accepts(token: String(authorization.dropFirst(7))))
        guard accepted else {
            return Response(status: .unauthorized, headers: [.wwwAuthenticate: "Bearer"], body: .init(byteBuffer: ByteBuffer(string: "unauthorized")))
        }
        return try await next(request, context)
    }
}
