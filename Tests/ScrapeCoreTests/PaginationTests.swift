@testable import ScrapeCore
import ScrapeHTTP
import Testing
@testable import ScrapeAPI

/// When paging goes on and when it stops, decided without a server.
struct PaginationTests {
    private func page(_ json: String, count: Int, url: String = "https://api.test/items?page=1", headers: HTTPHeaders = [:]) throws -> Pagination.Page {
        let source = Array(json.utf8)
        return Pagination.Page(url: url, body: try JSONParser.parse(source), source: source, headers: headers, recordCount: count)
    }

    @Test func pageNumberStopsOnShortEmptyTotalAndMaximum() throws {
        var sized = Pagination(.pageNumber(param: "page", basePage: 1, pageSize: 10, pageSizeParam: "size", totalPath: nil, maximumPage: nil))
        #expect(sized.firstParameters().map { "\($0.name)=\($0.value)" } == ["page=1", "size=10"])
        #expect(try sized.next(after: page("{}", count: 10)) == .url("https://api.test/items?page=2"))
        #expect(try sized.next(after: page("{}", count: 9)) == .stop("short page"))

        var totals = Pagination(.pageNumber(param: "page", basePage: 1, pageSize: nil, pageSizeParam: nil, totalPath: JSONPath("pages"), maximumPage: nil))
        #expect(try totals.next(after: page(#"{"pages": 2}"#, count: 5)) == .url("https://api.test/items?page=2"))
        #expect(try totals.next(after: page(#"{"pages": 2}"#, count: 5)) == .stop("total pages reached"))

        var capped = Pagination(.pageNumber(param: "p", basePage: 0, pageSize: nil, pageSizeParam: nil, totalPath: nil, maximumPage: 1))
        #expect(try capped.next(after: page("{}", count: 3)) == .url("https://api.test/items?page=1&p=1"))
        #expect(try capped.next(after: page("{}", count: 3)) == .stop("maximum page reached"))
        var plain = Pagination(.pageNumber(param: "p", basePage: 1, pageSize: nil, pageSizeParam: nil, totalPath: nil, maximumPage: nil))
        #expect(try plain.next(after: page("{}", count: 0)) == .stop("empty page"))
    }

    @Test func offsetStopsAtTheTotalOrMaximum() throws {
        var offsets = Pagination(.offset(offsetParam: "offset", limitParam: "limit", limit: 10, totalPath: JSONPath("total"), maximumOffset: nil))
        #expect(try offsets.next(after: page(#"{"total": 25}"#, count: 10, url: "https://a/x?offset=0&limit=10")) == .url("https://a/x?offset=10&limit=10"))
        #expect(try offsets.next(after: page(#"{"total": 25}"#, count: 10, url: "https://a/x?offset=10&limit=10")) == .url("https://a/x?offset=20&limit=10"))
        #expect(try offsets.next(after: page(#"{"total": 25}"#, count: 5)) == .stop("short page"))
        var capped = Pagination(.offset(offsetParam: "o", limitParam: "l", limit: 10, totalPath: nil, maximumOffset: 10))
        #expect(try capped.next(after: page("{}", count: 10)) == .stop("maximum offset reached"))
    }

    @Test func cursorsAndLinksStopWhenAbsentAndFailWhenRepeated() throws {
        var cursor = Pagination(.cursor(cursorPath: JSONPath("meta.next")!, cursorParam: "c"))
        #expect(try cursor.next(after: page(#"{"meta": {"next": "abc"}}"#, count: 1)) == .url("https://api.test/items?page=1&c=abc"))
        #expect(try cursor.next(after: page(#"{"meta": {"next": null}}"#, count: 1)) == .stop("no next cursor"))
        #expect(try cursor.next(after: page(#"{"meta": {"next": 42}}"#, count: 1)) == .url("https://api.test/items?page=1&c=42"))
        #expect(throws: APIError.self) { try cursor.next(after: page(#"{"meta": {"next": 42}}"#, count: 1)) }

        var link = Pagination(.jsonLink(nextURLPath: JSONPath("links.next")!))
        #expect(try link.next(after: page(#"{"links": {"next": "/v2/items?after=9"}}"#, count: 1)) == .url("https://api.test/v2/items?after=9"))
        #expect(try link.next(after: page(#"{"links": {}}"#, count: 1)) == .stop("no next link"))

        var header = Pagination(.headerCursor(cursorKey: "X-Next", cursorParam: "cursor"))
        #expect(try header.next(after: page("[]", count: 0, headers: ["x-next": "n1"])) == .url("https://api.test/items?page=1&cursor=n1"))
        #expect(try header.next(after: page("[]", count: 0)) == .stop("no X-Next header"))
    }
}
