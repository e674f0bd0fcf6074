import Foundation
import ScrapeHTML
import Testing

@testable import ScrapeCrawl

/// The crawl's rules that need no network: URL keys, scopes, patterns, link rules.
struct CrawlRulesTests {
    private func url(_ text: String) throws -> CrawlURL {
        guard case .url(let url) = CrawlURL.parse(text) else { throw CrawlSettingsError("not a URL: \(text)") }
        return url
    }

    @Test func keysDropTheFragmentAndFoldNothingElse() throws {
        #expect(try url("http://h/a#x").href == "http://h/a")
        // Scheme and host are the parser's (lowercase); path case, %7e and query order stay.
        #expect(try url("HTTP://H/%7e/A?b=1&a=2").href == "http://h/%7e/A?b=1&a=2")
        #expect(try url("https://h:443/").href == "https://h/")
        #expect(CrawlURL.parse("mailto:x@y") == .notHTTP("mailto:x@y"))
        #expect(CrawlURL.parse("javascript:void(0)") == .notHTTP("javascript:void(0)"))
        #expect(CrawlURL.parse("not a url") == .invalid)
        #expect(CrawlURL.parse("../b?q#f", base: WebURL("http://h/d/e/f.html")) == .url(try url("http://h/d/b?q")))
    }

    @Test func scopes() throws {
        let seed = try url("https://docs.example.co.uk:8443/guide/index.html?x=1")
        let host = SeedScope(scope: .host, seed: seed)
        #expect(host.contains(try url("http://docs.example.co.uk/other")))
        #expect(!host.contains(try url("https://www.example.co.uk:8443/guide/")))
        let origin = SeedScope(scope: .origin, seed: seed)
        #expect(origin.contains(try url("https://docs.example.co.uk:8443/x")))
        #expect(!origin.contains(try url("https://docs.example.co.uk/x")))
        let domain = SeedScope(scope: .domain, seed: seed)
        #expect(domain.contains(try url("http://www.example.co.uk/")))
        #expect(!domain.contains(try url("http://other.co.uk/")))
        let local = SeedScope(scope: .domain, seed: try url("http://127.0.0.1:8080/"))
        #expect(local.contains(try url("http://127.0.0.1:9/")))
        #expect(!local.contains(try url("http://127.0.0.2/")))
        let prefix = SeedScope(scope: .prefix, seed: seed)
        #expect(prefix.key == "https://docs.example.co.uk:8443/guide/")
        #expect(prefix.contains(try url("https://docs.example.co.uk:8443/guide/a/b")))
        #expect(!prefix.contains(try url("https://docs.example.co.uk:8443/guidebook")))
        #expect(SeedScope(scope: .any, seed: seed).contains(try url("http://elsewhere.test/")))
    }

    @Test func patternsAreSearchedAnywhere() throws {
        let pattern = try URLPattern("/cart|\\?sort=")
        #expect(pattern.matches("https://shop/cart/1"))
        #expect(pattern.matches("https://shop/p?sort=asc"))
        #expect(!pattern.matches("https://shop/p"))
        #expect(try URLPattern("^https://shop/p$").matches("https://shop/p"))
        #expect(throws: CrawlSettingsError.self) { try URLPattern("(") }
        let settings = CrawlSettings(seeds: [], allow: [try URLPattern("/docs/")], deny: [try URLPattern("\\.pdf$")])
        #expect(settings.admits("http://h/docs/a"))
        #expect(!settings.admits("http://h/docs/a.pdf"))
        #expect(!settings.admits("http://h/blog/"))
    }

    @Test func linksComeFromTheSameParseAsFields() throws {
        let html = """
            <!doctype html><title>T</title><base href="/base/">
            <nav><a href="n1">n1</a></nav><a href="x#f">x</a><a href="x">x again</a><a href="mailto:a@b">m</a>
            <a rel="nofollow" href="no">no</a><area href="ar"><span data-href="/d">d</span><a href="http://[bad">bad</a>
            <a href="http://offsite.test/">off</a>
            """
        let extractor = PageExtractor(fields: try FieldSet(["h=title"]), metadata: false)
        func links(_ rule: LinkRule) throws -> FoundLinks {
            let (page, links) = extractor.extract(body: Array(html.utf8), contentType: "text/html", url: "http://h/dir/p.html", links: rule)
            #expect(page.title == "T")
            let filter = LinkFilter(settings: CrawlSettings(seeds: [try url("http://h/")]))
            let found = try #require(links)
            return try #require(filter.sort(found, finalURL: "http://h/dir/p.html", scope: SeedScope(scope: .host, seed: try url("http://h/"))))
        }
        let standard = try links(.standard)
        #expect(standard.followable.map(\.href) == ["http://h/base/n1", "http://h/base/x", "http://h/base/no", "http://h/base/ar"])
        #expect(standard.skipped.map(\.0) == ["mailto:a@b", "http://offsite.test/", "http://[bad"])
        #expect(try links(LinkRule("nav a")).followable.map(\.href) == ["http://h/base/n1"])
        #expect(try links(LinkRule("a[href]:not([rel~=nofollow])")).followable.count == 2)
        #expect(try links(LinkRule("span::url(data-href)")).followable.map(\.href) == ["http://h/d"])
        #expect(throws: LinkRule.Failure.self) { try LinkRule("a::text") }
        #expect(throws: LinkRule.Failure.self) { try LinkRule("a[") }
        // A page whose final URL is out of scope gives no links; a page that is not HTML neither.
        let filter = LinkFilter(settings: CrawlSettings(seeds: []))
        #expect(filter.sort(PageLinks(), finalURL: "http://elsewhere/", scope: SeedScope(scope: .host, seed: try url("http://h/"))) == nil)
        #expect(extractor.extract(body: Array(html.utf8), contentType: "text/plain", url: "http://h/", links: .standard).1 == nil)
    }
}
