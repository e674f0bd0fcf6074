import Testing

@testable import ScrapeCrawl

/// Sitemap files as `--sitemaps` reads them.
struct SitemapDocumentTests {
    @Test func anXMLURLSetWithPrefixesCDATAAndEntities() {
        let document = SitemapDocument(bytes: Array("""
            \u{FEFF}<?xml version="1.0"?>
            <sm:urlset xmlns:sm="http://www.sitemaps.org/schemas/sitemap/0.9">
              <sm:url><sm:loc> https://h/a?x=1&amp;y=&#50;&#x33; </sm:loc><sm:lastmod>2026-01-01</sm:lastmod></sm:url>
              <url><loc><![CDATA[https://h/b?q=<c>&d]]></loc></url>
              <url><xloc>https://h/not</xloc><loc></loc></url>
            </sm:urlset>
            """.utf8))
        #expect(!document.isIndex)
        #expect(document.locations == ["https://h/a?x=1&y=23", "https://h/b?q=<c>&d"])
    }

    @Test func anIndexAndAPlainTextSitemap() {
        let index = SitemapDocument(bytes: Array(#"<sitemapindex><sitemap><loc>https://h/s1.xml.gz</loc></sitemap></sitemapindex>"#.utf8))
        #expect(index.isIndex)
        #expect(index.locations == ["https://h/s1.xml.gz"])
        let text = SitemapDocument(bytes: Array("https://h/1\r\n\n  https://h/2  \n# not a URL\n".utf8))
        #expect(!text.isIndex)
        #expect(text.locations == ["https://h/1", "https://h/2"])
    }

    @Test func gzipIsInflatedUpToTheLimit() throws {
        // "hello\n" gzipped (gzip -n).
        let hello: [UInt8] = [
            0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0xcb, 0x48, 0xcd, 0xc9, 0xc9, 0xe7, 0x02, 0x00, 0x20, 0x30, 0x3a,
            0x36, 0x06, 0x00, 0x00, 0x00,
        ]
        #expect(Gunzip.isGzip(hello))
        #expect(try Gunzip.inflate(hello, limit: 100) == Array("hello\n".utf8))
        #expect(throws: Gunzip.Failure.self) { try Gunzip.inflate(hello, limit: 3) }
        #expect(throws: Gunzip.Failure.self) { try Gunzip.inflate(Array(hello.prefix(15)), limit: 100) }
    }
}
