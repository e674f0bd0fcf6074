import Foundation
import ScrapeCore
import ScrapePages
import ScrapeTestSupport
import Testing

/// `scrape run` with fields and metadata against the loopback server (issue 26): every
/// pseudo-element, `[]`, XPath, null for no match, pages that are not HTML, a 404 page,
/// base URLs, metadata, resume, and the title unchanged by fields.
@Suite(.timeLimit(.minutes(1)))
struct FieldsRunTests {
    /// Every kind of field, on ``FieldPages/product``.
    static let productFields = [
        "title=h1", "own=h1::text", "price=.price::text", "price_css=css:.price span", "next=a.next::attr(href)", "href=a::attr(href)",
        "next_url=a.next::url(href)", "links[]=a::url(href)", "h2[]=h2", "html=#desc::html", "missing=.nothing", "missing_all[]=.nothing",
        "missing_attr=h1::attr(lang)", "n_links=xpath:count(//a)", "x_title=xpath://h1", "x_attr=xpath://a/@href", "x_bool=xpath:boolean(//h2)",
        "x_str=xpath:string(//h2[2])", "x_nan=xpath:number('abc')", "x_half=xpath:1 div 2", "x_all[]=xpath://h2/text()",
        "x_none=xpath://table", "odd[][]=h2",
    ]

    private func extraction(_ fields: [String], metadata: Bool = false) throws -> ScrapeConfiguration.Extraction {
        var extraction = ScrapeConfiguration.Extraction()
        for field in fields { try extraction.add(field, source: "--field") }
        extraction.metadata = metadata
        return extraction
    }

    private func run(
        _ lines: [String], fields: [String] = [], metadata: Bool = false, resume: Bool = false, output: String? = nil
    ) async throws -> (summary: RunSummary, records: [[String: Any]], lines: [String]) {
        let input = try TemporaryFiles.urlList(lines)
        defer { try? FileManager.default.removeItem(atPath: input) }
        let output = output ?? TemporaryFiles.path("out.jsonl")
        var http = ScrapeConfiguration.HTTP()
        http.timeout = .seconds(15)  // loopback, but the whole suite at once on 2 loaded cores can stall a transfer for seconds
        http.robotsTxt = .ignore
        http.retries = 0
        let options = ScrapeRun.Options(input: input, output: output, resume: resume, http: http, extraction: try extraction(fields, metadata: metadata))
        let summary = try await ScrapeRun(options: options).run()
        let text = try String(contentsOfFile: output, encoding: .utf8)
        return (summary, try TemporaryFiles.records(text), text.split(separator: "\n").map(String.init))
    }

    private func record(_ records: [[String: Any]], _ url: String) -> [String: Any]? { records.first { $0["url"] as? String == url } }

    @Test func everyPseudoElementArraysAndXPath() async throws {
        try await TestServer.withRunning { server in
            let url = server.url("/fields/product")
            let (_, records, lines) = try await run([url], fields: Self.productFields)
            let fields = try #require(record(records, url)?["fields"] as? [String: Any])
            #expect(fields["title"] as? String == "Blue Widget")
            #expect(fields["own"] as? String == "Blue")
            #expect(fields["price"] as? String == "Price: EUR")
            #expect(fields["price_css"] as? String == "9.99")
            #expect(fields["next"] as? String == "/p/2")
            #expect(fields["href"] as? String == "/p/2")  // the first a that has one
            #expect(fields["next_url"] as? String == server.url("/p/2"))
            #expect(fields["links"] as? [String] == [server.url("/p/2"), server.url("/fields/other.html?q=%C3%A9")])
            #expect(fields["h2"] as? [String] == ["Specs", "Reviews"])  // not the template's
            #expect(fields["html"] as? String == #"<div id="desc" data-x="a&lt;b">Some <i>text</i></div>"#)
            #expect(fields["missing"] is NSNull)
            #expect(fields["missing_all"] as? [Any] != nil && (fields["missing_all"] as? [Any])?.isEmpty == true)
            #expect(fields["missing_attr"] is NSNull)
            #expect(fields["x_title"] as? String == "Blue Widget")
            #expect(fields["x_attr"] as? String == "/p/2")
            #expect(fields["x_str"] as? String == "Reviews")
            #expect(fields["x_nan"] is NSNull)
            #expect(fields["x_all"] as? [String] == ["Specs", "Reviews"])
            #expect(fields["x_none"] is NSNull)
            #expect(fields["odd[]"] as? [String] == ["Specs", "Reviews"])  // only the last [] is the array marker
            // Keys in the order given, without []; numbers and booleans as JSON spells them.
            let line = try #require(lines.first)
            #expect(line.contains(#""n_links":3,"#))
            #expect(line.contains(#""x_bool":true,"#))
            #expect(line.contains(#""x_half":0.5,"#))
            #expect(line.contains(#""title":"Blue Widget","fields":{"title":"Blue Widget","own":"Blue","#))
            #expect(!line.contains("metadata"))
        }
    }

    @Test func pagesThatAreNotHTMLHaveNullFieldsAndErrorPagesHaveFields() async throws {
        try await TestServer.withRunning { server in
            let notFound = server.url("/fields/product?status=404")
            let refused = "http://127.0.0.1:1/"
            let (_, records, lines) = try await run(
                [server.url("/bytes/10"), server.url("/get"), notFound, "not a url", refused], fields: ["title=h1"], metadata: true)
            #expect(records.count == 5)
            // Without an HTML page (not HTML, no response, not a URL) the keys are there, null.
            for url in [server.url("/bytes/10"), server.url("/get"), "not a url", refused] {
                #expect(record(records, url)?["fields"] is NSNull, "\(url)")
                #expect(record(records, url)?["metadata"] is NSNull, "\(url)")
            }
            let page = try #require(record(records, notFound))
            #expect(page["status"] as? Int == 404)
            #expect((page["error"] as? [String: Any])?["kind"] as? String == "http")
            #expect((page["fields"] as? [String: Any])?["title"] as? String == "Blue Widget")
            #expect((page["metadata"] as? [String: Any])?["canonical"] as? String == "https://shop.test/p/1")
            #expect(lines.allSatisfy { $0.contains(#""fields":"#) && $0.contains(#""metadata":"#) })
        }
    }

    @Test func relativeURLsResolveAgainstBaseHrefElseTheFinalURL() async throws {
        try await TestServer.withRunning { server in
            let based = server.url("/fields/based")
            let redirected = server.url("/redirect-to?url=/fields/product")
            let (_, records, _) = try await run([based, redirected], fields: ["link=a::url(href)", "img=img::url(src)", "links[]=a::url(href)"])
            let basedFields = try #require(record(records, based)?["fields"] as? [String: Any])
            #expect(basedFields["link"] as? String == "https://elsewhere.test/dir/x?y=1")
            #expect(basedFields["img"] as? String == "https://elsewhere.test/img.png")
            let redirect = try #require(record(records, redirected))
            #expect(redirect["final_url"] as? String == server.url("/fields/product"))
            let fields = try #require(redirect["fields"] as? [String: Any])
            // Against the final URL: /fields/other.html, not the first request's /other.html.
            #expect(fields["links"] as? [String] == [server.url("/p/2"), server.url("/fields/other.html?q=%C3%A9")])
            #expect(fields["img"] is NSNull)
        }
    }

    @Test func metadataParsesEachJSONLDBlockOnItsOwn() async throws {
        try await TestServer.withRunning { server in
            let url = server.url("/fields/product")
            let (_, records, lines) = try await run([url], metadata: true)
            let page = try #require(record(records, url))
            #expect(page["fields"] == nil)  // metadata only: no fields key
            let metadata = try #require(page["metadata"] as? [String: Any])
            let jsonLD = try #require(metadata["json_ld"] as? [[String: Any]])
            #expect(jsonLD.count == 4)
            #expect(jsonLD[0]["@type"] as? String == "Product")
            #expect((jsonLD[1]["error"] as? String)?.hasPrefix("invalid JSON at byte ") == true)
            #expect(jsonLD[2]["@type"] as? String == "Organization")
            #expect(jsonLD[2]["@context"] as? String == "https://schema.org")
            #expect(jsonLD[3]["url"] as? String == "https://shop.test/")
            #expect(try #require(lines.first).contains(#""sku":12345678901234567890"#))  // numbers as written
            let openGraph = try #require(metadata["opengraph"] as? [String: Any])
            #expect(openGraph["og:title"] as? String == "Blue Widget")
            #expect(openGraph["og:image"] as? [String] == ["https://cdn.test/1.jpg", "https://cdn.test/2.jpg"])
            #expect((metadata["twitter"] as? [String: Any])?["twitter:card"] as? String == "summary")
            let meta = try #require(metadata["meta"] as? [String: Any])
            #expect(meta["description"] as? String == "A widget")
            #expect(meta["keywords"] as? [String] == ["a", "b"])
            #expect(metadata["canonical"] as? String == "https://shop.test/p/1")
            #expect(try #require(lines.first).contains(#""title":"Blue Widget","metadata":{"json_ld":["#))
        }
    }

    @Test func theTitleIsTheSameWithFieldsOnAndOff() async throws {
        try await TestServer.withRunning { server in
            let urls = [
                server.url("/fields/product"), server.url("/fields/based"), server.url("/page/1"), server.url("/latin1"), server.url("/bytes/10"),
                server.url("/status/404"),
            ]
            let (_, plain, plainLines) = try await run(urls)
            let (_, withFields, _) = try await run(urls, fields: ["h1=h1"], metadata: true)
            for url in urls {
                let title = record(plain, url)?["title"]
                #expect(title != nil)
                #expect(String(describing: title) == String(describing: record(withFields, url)?["title"]), "\(url)")
            }
            // A title-only run writes today's records: no fields or metadata key.
            #expect(plainLines.allSatisfy { !$0.contains(#""fields":"#) && !$0.contains(#""metadata":"#) })
            #expect(record(plain, server.url("/latin1"))?["title"] as? String == "café – €")
        }
    }

    @Test func resumeReadsBackRecordsWithNestedFields() async throws {
        try await TestServer.withRunning { server in
            let urls = (0..<4).map { server.url("/fields/product?status=200&n=\($0)") }
            let output = TemporaryFiles.path("out.jsonl")
            defer { try? FileManager.default.removeItem(atPath: output) }
            let (_, first, lines) = try await run(urls, fields: Self.productFields, metadata: true, output: output)
            #expect(first.count == 4)
            // Keep two records and a cut third, as a run killed mid-write leaves them.
            let cut = String(lines[2].prefix(lines[2].count / 2))
            try (lines[0] + "\n" + lines[1] + "\n" + cut).write(toFile: output, atomically: true, encoding: .utf8)
            let before = server.log.count(prefix: "/fields/product")
            let (summary, records, _) = try await run(urls, fields: Self.productFields, metadata: true, resume: true, output: output)
            #expect(summary.skipped == 2)
            #expect(summary.repairedBytes == cut.utf8.count)
            #expect(records.count == 4)
            #expect(Set(records.compactMap { $0["url"] as? String }) == Set(urls))
            #expect(server.log.count(prefix: "/fields/product") - before == 2)
            #expect(records.allSatisfy { ($0["fields"] as? [String: Any])?["title"] as? String == "Blue Widget" })
        }
    }

    @Test func aFieldThatDoesNotCompileFailsTheRunBeforeAnythingIsFetched() async throws {
        try await TestServer.withRunning { server in
            do {
                _ = try await run([server.url("/fields/product")], fields: ["title=h1", "bad=h1::nope"])
                Issue.record("no error")
            } catch let failure as ScrapeRun.Failure {
                guard case .fields(let error) = failure else { Issue.record("wrong failure: \(failure)"); return }
                #expect(error.key == "--field")
                #expect(error.message.contains("'bad'"), "\(error)")
            }
            #expect(server.log.count(prefix: "/") == 0)
        }
    }
}
