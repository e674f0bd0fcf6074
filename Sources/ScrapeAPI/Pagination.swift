import ScrapePages
import ScrapeCore
import ScrapeBase
import ScrapeHTTP

/// Walks a job's pages: the query for the first page, then, from each page, the next
/// request or the reason to stop. A value type that decides; the job runner acts.
///
/// Stops on: no next link or cursor, an empty page, a page shorter than its size, the
/// total reached, or the maximum reached. A next URL or cursor seen before is an error,
/// so a broken API cannot make a job loop for ever.
struct Pagination {
    /// What one fetched page gave.
    struct Page {
        let url: String
        let body: JSONValue
        let source: [UInt8]
        let headers: HTTPHeaders
        let recordCount: Int
    }

    enum Next: Equatable {
        /// Fetch this URL next.
        case url(String)
        /// Stop: the job is complete.
        case stop(String)
    }

    let paginator: ScrapeConfiguration.Paginator
    /// Which values go into the body instead of the query.
    let bodyPaths: ScrapeConfiguration.BodyPaths
    /// The body of the next request, nil for requests without one: the job's `json:` with
    /// the paginator's values set where `bodyPaths` say.
    private(set) var body: JSONDocument?
    private var page = 0
    private var offset = 0
    private var seen: Set<String> = []

    /// - Parameter body: the job's `json:` (an empty object when only paginator values go
    ///   in the body), or nil for a request without one.
    init(_ paginator: ScrapeConfiguration.Paginator, bodyPaths: ScrapeConfiguration.BodyPaths = .init(), body: JSONDocument? = nil) {
        self.paginator = paginator
        self.bodyPaths = bodyPaths
        self.body = body ?? (bodyPaths.isEmpty ? nil : .emptyObject)
        switch paginator {
        case .pageNumber(_, let basePage, _, _, _, _):
            page = basePage
            place(.number(String(basePage)), at: bodyPaths.page)
        case .offset(_, _, let limit, _, _):
            place(.number("0"), at: bodyPaths.offset)
            place(.number(String(limit)), at: bodyPaths.limit)
        case .cursor, .jsonLink, .headerLink, .headerCursor, .singlePage:
            break
        }
    }

    /// Query parameters of the first page (those not placed in the body).
    func firstParameters() -> [(name: String, value: String)] {
        switch paginator {
        case .pageNumber(let param, let basePage, let pageSize, let pageSizeParam, _, _):
            var items = bodyPaths.page == nil ? [(param, String(basePage))] : []
            if let pageSize, let pageSizeParam { items.append((pageSizeParam, String(pageSize))) }
            return items
        case .offset(let offsetParam, let limitParam, let limit, _, _):
            return (bodyPaths.offset == nil ? [(offsetParam, "0")] : []) + (bodyPaths.limit == nil ? [(limitParam, String(limit))] : [])
        case .cursor, .jsonLink, .headerLink, .headerCursor, .singlePage:
            return []
        }
    }

    private mutating func place(_ value: JSONDocument, at path: [String]?) {
        guard let path, let current = body else { return }
        body = current.setting(value, at: path)
    }

    /// Moves on to the page whose paginator value is `text` (`json` in a body).
    private mutating func advance(_ param: String, _ text: String, json: JSONDocument, bodyPath: [String]?, from url: String) -> Next {
        let next = request(param, text, json: json, bodyPath: bodyPath, from: url)
        body = next.body
        return .url(next.url)
    }

    /// The request for the page whose paginator value is `text`: `url` with it as `param`,
    /// or the same URL with `json` at `bodyPath` in the body.
    private func request(_ param: String, _ text: String, json: JSONDocument, bodyPath: [String]?, from url: String) -> (url: String, body: JSONDocument?) {
        guard let bodyPath, let body else { return (HTTPURL.settingQueryItems([(param, text)], in: url), body) }
        return (url, body.setting(json, at: bodyPath))
    }

    /// The last page number of `total` pages (page numbers start at `base_page`, 0 or 1).
    private func lastPage(ofTotal total: Int) -> Int {
        total - (firstPage == 0 ? 1 : 0)
    }

    /// The next request after `current`, or why the job is complete.
    ///
    /// - Throws: a message when a cursor or next URL repeats.
    mutating func next(after current: Page) throws(APIError) -> Next {
        switch paginator {
        case .singlePage:
            return .stop("single page")
        case .pageNumber(let param, _, let pageSize, _, let totalPath, let maximumPage):
            if current.recordCount == 0 { return .stop("empty page") }
            if let pageSize, current.recordCount < pageSize { return .stop("short page") }
            page += 1
            if let totalPath, let total = number(at: totalPath, in: current), page > lastPage(ofTotal: total) {
                return .stop("total pages reached")
            }
            if let maximumPage, page > maximumPage { return .stop("maximum page reached") }
            return advance(param, String(page), json: .number(String(page)), bodyPath: bodyPaths.page, from: current.url)
        case .offset(let offsetParam, _, let limit, let totalPath, let maximumOffset):
            if current.recordCount == 0 { return .stop("empty page") }
            if current.recordCount < limit { return .stop("short page") }
            offset += limit
            if let totalPath, let total = number(at: totalPath, in: current), offset >= total { return .stop("total reached") }
            if let maximumOffset, offset >= maximumOffset { return .stop("maximum offset reached") }
            return advance(offsetParam, String(offset), json: .number(String(offset)), bodyPath: bodyPaths.offset, from: current.url)
        case .cursor(let cursorPath, let cursorParam):
            guard let value = current.body.value(at: cursorPath), let cursor = value.scalarText(in: current.source), !cursor.isEmpty else {
                return .stop("no next cursor")
            }
            try remember(cursor, what: "cursor", current)
            // In the body the cursor keeps its JSON type: a number stays a number.
            return advance(cursorParam, cursor, json: .raw(value.compactBytes(in: current.source)), bodyPath: bodyPaths.cursor, from: current.url)
        case .jsonLink(let nextURLPath):
            guard let link = current.body.value(at: nextURLPath)?.scalarText(in: current.source), !link.isEmpty else {
                return .stop("no next link")
            }
            return try follow(link, from: current)
        case .headerLink:
            guard let link = LinkHeader.next(in: current.headers["Link"]) else { return .stop("no Link rel=\"next\"") }
            return try follow(link, from: current)
        case .headerCursor(let cursorKey, let cursorParam):
            guard let cursor = current.headers.first(name: cursorKey), !cursor.isEmpty else { return .stop("no \(cursorKey) header") }
            try remember(cursor, what: "cursor", current)
            return .url(HTTPURL.settingQueryItems([(cursorParam, cursor)], in: current.url))
        }
    }

    /// When the first page tells the total (`total_path` with page_number or offset), the
    /// requests for every page after it, in order, to fetch at once; nil when the walk must
    /// go page by page (or the first page already ends it).
    func remainingRequests(after first: Page) -> [(url: String, body: JSONDocument?)]? {
        guard first.recordCount > 0 else { return nil }
        switch paginator {
        case .pageNumber(let param, let basePage, let pageSize, _, let totalPath?, let maximumPage):
            guard let total = number(at: totalPath, in: first) else { return nil }
            if let pageSize, first.recordCount < pageSize { return nil }
            var last = lastPage(ofTotal: total)
            if let maximumPage { last = min(last, maximumPage) }
            guard last > basePage else { return [] }
            return ((basePage + 1)...last).map { request(param, String($0), json: .number(String($0)), bodyPath: bodyPaths.page, from: first.url) }
        case .offset(let offsetParam, _, let limit, let totalPath?, let maximumOffset):
            guard let total = number(at: totalPath, in: first), first.recordCount >= limit else { return nil }
            let end = min(total, maximumOffset ?? total)
            return stride(from: limit, to: end, by: limit).map {
                request(offsetParam, String($0), json: .number(String($0)), bodyPath: bodyPaths.offset, from: first.url)
            }
        default:
            return nil
        }
    }

    private var firstPage: Int {
        if case .pageNumber(_, let basePage, _, _, _, _) = paginator { return basePage }
        return 0
    }

    private func number(at path: JSONPath, in page: Page) -> Int? {
        page.body.value(at: path)?.scalarText(in: page.source).flatMap { Int($0) }
    }

    private mutating func follow(_ link: String, from page: Page) throws(APIError) -> Next {
        let resolved: String
        do {
            resolved = try HTTPURL.resolve(link, against: page.url)
        } catch {
            throw APIError(job: "", url: page.url, message: "next link \"\(link)\" is not a URL: \(error.message)")
        }
        try remember(resolved, what: "next link", page)
        return .url(resolved)
    }

    private mutating func remember(_ value: String, what: String, _ page: Page) throws(APIError) {
        guard seen.insert(value).inserted else {
            throw APIError(job: "", url: page.url, message: "the \(what) \"\(value)\" was already followed; stopping instead of looping")
        }
    }
}

/// RFC 8288 `Link` header parsing: the target of `rel="next"`.
enum LinkHeader {
    /// The URI reference of the first link whose `rel` includes `next`, across all values.
    static func next(in values: [String]) -> String? {
        for value in values {
            var rest = Substring(value)
            while let open = rest.firstIndex(of: "<"), let close = rest[open...].firstIndex(of: ">") {
                let target = String(rest[rest.index(after: open)..<close])
                var parameters = rest[rest.index(after: close)...]
                // Parameters run to the next link (a comma outside quotes).
                var end = parameters.endIndex
                var quoted = false
                for index in parameters.indices {
                    let character = parameters[index]
                    if character == "\"" { quoted.toggle() }
                    if character == ",", !quoted { end = index; break }
                }
                parameters = parameters[..<end]
                if relations(in: parameters).contains("next") { return target }
                rest = end == rest.endIndex ? "" : rest[rest.index(after: end)...]
            }
        }
        return nil
    }

    private static func relations(in parameters: Substring) -> [String] {
        for parameter in parameters.split(separator: ";") {
            let pair = parameter.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0].trimmingCharacters(in: " \t").lowercased() == "rel" else { continue }
            var value = pair[1].trimmingCharacters(in: " \t")
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            return value.lowercased().split(separator: " ").map(String.init)
        }
        return []
    }
}
