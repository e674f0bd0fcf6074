import Hummingbird
import NIOCore
import HTTPTypes

/// Small sites for `scrape crawl`'s tests (issue 27), under `/crawl/`:
/// - `/crawl/basic/…`: relative links, `<base href>`, fragments, `mailto:` and
///   `javascript:`, a redirect, a 404 page with links, a text file with markup in it, a
///   link robots.txt disallows (`/private/…`), an offsite link (``basicPages``);
/// - `/crawl/calendar/N`: an endless calendar, each day linking the next and the one before;
/// - `/crawl/depth/…`: a page reachable in two links through a slow page, and in three
///   through fast ones, with one more page behind it (depth exactness);
/// - `/sitemap.xml` (an index) → `/crawl/sitemaps/urls.xml.gz` (gzip, relative and offsite
///   locations) and `/crawl/sitemaps/urls.txt` (plain text), listing `/crawl/sitemaps/pN.html`;
/// - `/crawl/grid/N?size=S&delay=MS`: S pages, each linking to the next and 9 others, each answered
///   after MS milliseconds (exactly once under concurrency, kill -9 and `--resume`).
public enum CrawlSites {
    /// The basic site's pages: path after `/crawl/basic/` → (status, content type, body).
    public static let basicPages: [String: (status: Int, type: String, body: String)] = [
        "index.html": (200, "text/html", """
            <!doctype html><title>Basic</title>
            <a href="a.html">a</a> <a href="./b.html#top">b with a fragment</a> <a href="#self">self</a>
            <a href="/crawl/basic/a.html#again">a again</a> <a href="mailto:someone@example.test">mail</a>
            <a href="javascript:void(0)">js</a> <a href="redirect">moved</a> <a href="missing.html">404</a>
            <a href="data.txt">text</a> <a href="/private/secret">robots</a> <a href="http://offsite.test/x">offsite</a>
            <map><area href="area.html"></map>
            """),
        "a.html": (200, "text/html", #"<!doctype html><title>A</title><a href="sub/c.html">c</a><a href="target.html">target</a>"#),
        "b.html": (200, "text/html", #"<!doctype html><title>B</title><base href="/crawl/basic/based/"><a href="d.html">d</a>"#),
        "target.html": (200, "text/html", #"<!doctype html><title>Target</title><a href="t2.html">t2</a>"#),
        "t2.html": (200, "text/html", "<!doctype html><title>T2</title>"),
        "missing.html": (404, "text/html", #"<!doctype html><title>Not here</title><a href="from404.html">from 404</a>"#),
        "from404.html": (200, "text/html", "<!doctype html><title>From 404</title>"),
        "data.txt": (200, "text/plain", #"<a href="never.html">not a link in a text file</a>"#),
        "area.html": (200, "text/html", "<!doctype html><title>Area</title>"),
        "sub/c.html": (200, "text/html", #"<!doctype html><title>C</title><a href="../index.html">home</a>"#),
        "based/d.html": (200, "text/html", "<!doctype html><title>D</title>"),
    ]

    /// The URLs (paths) a crawl of `/crawl/basic/index.html` records, robots.txt obeyed.
    public static let basicRecorded: Set<String> = [
        "/crawl/basic/index.html", "/crawl/basic/a.html", "/crawl/basic/b.html", "/crawl/basic/redirect",
        "/crawl/basic/missing.html", "/crawl/basic/data.txt", "/private/secret", "/crawl/basic/area.html", "/crawl/basic/sub/c.html",
        "/crawl/basic/target.html", "/crawl/basic/based/d.html", "/crawl/basic/t2.html", "/crawl/basic/from404.html",
    ]

    static func register(on router: Router<TestRequestContext>) {
        router.get("/crawl/basic/redirect") { _, _ in Response(status: .found, headers: [.location: "/crawl/basic/target.html"]) }
        router.get("/crawl/basic/:a") { _, context in try basic(context.parameters.require("a")) }
        router.get("/crawl/basic/:a/:b") { _, context in
            try basic(context.parameters.require("a") + "/" + context.parameters.require("b"))
        }
        router.get("/crawl/calendar/:n") { _, context in
            let day = try context.parameters.require("n", as: Int.self)
            return html("<!doctype html><title>Day \(day)</title><a href=\"\(day + 1)\">next</a> <a href=\"\(day - 1)\">previous</a>")
        }
        registerDepth(on: router)
        registerSitemaps(on: router)
        router.get("/crawl/grid/:n") { request, context in
            let n = try context.parameters.require("n", as: Int.self)
            let size = max(1, request.uri.queryParameters.get("size", as: Int.self) ?? 100)
            let delay = min(request.uri.queryParameters.get("delay", as: Int.self) ?? 0, 1000)
            if delay > 0 { try await Task.sleep(for: .milliseconds(delay)) }
            let targets = [(n + 1) % size] + (1...9).map { k in (n * 7 + k * 13) % size }
            let links = targets.map { "<a href=\"\($0)?size=\(size)&amp;delay=\(delay)\">\($0)</a>" }
            return html("<!doctype html><title>Grid \(n)</title>" + links.joined())
        }
    }

    /// `/crawl/depth/index.html` links `slow.html` (answered after 400 ms) and `x1.html`;
    /// `slow.html` links `target.html`; `x1.html` → `x2.html` → `target.html`;
    /// `target.html` → `leaf.html`. The target is 2 links away, found first at 3.
    private static func registerDepth(on router: Router<TestRequestContext>) {
        let pages = [
            "index.html": #"<a href="slow.html">slow</a><a href="x1.html">x1</a>"#,
            "slow.html": #"<a href="target.html">target</a>"#,
            "x1.html": #"<a href="x2.html">x2</a>"#,
            "x2.html": #"<a href="target.html">target</a>"#,
            "target.html": #"<a href="leaf.html">leaf</a>"#,
            "leaf.html": "leaf",
        ]
        router.get("/crawl/depth/:page") { _, context in
            let name = try context.parameters.require("page")
            guard let body = pages[name] else { return Response(status: .notFound) }
            if name == "slow.html" { try await Task.sleep(for: .milliseconds(400)) }
            return html("<!doctype html><title>\(name)</title>" + body)
        }
    }

    /// The gzipped urlset: `/crawl/sitemaps/p1.html?a=1&amp;b=2` (relative, so its bytes
    /// need no port) and `http://offsite.test/x` (out of every test seed's scope).
    private static let gzippedURLSet: [UInt8] = {
        let hex = Array("""
            1f8b08000000000002ff558ecb0ec2201045f7fd8a86854ba6b853797c0b36549a4021cc54faf916ad262eefe3e45e69b618faa72b38a7\
            4531c107667427d712d051bf670b2ae689f215a0d6ca7126176d469eca0370f4bb40384c18f885e9c66a19d2a8612cb6866f8a9005f714\
            83b14a9c6cccb7bb3a4b6845096fe6071e7b699a1acbc921c1f65785cf41ddbd00a88268e7c0000000
            """.utf8)
        return stride(from: 0, to: hex.count, by: 2).map { UInt8(String(decoding: hex[$0..<$0 + 2], as: UTF8.self), radix: 16)! }
    }()

    private static func registerSitemaps(on router: Router<TestRequestContext>) {
        router.get("/sitemap.xml") { request, _ in
            let site = "http://" + (request.head.authority ?? "")
            return Response(status: .ok, headers: [.contentType: "application/xml"], body: .init(byteBuffer: ByteBuffer(string: """
                <?xml version="1.0" encoding="UTF-8"?>
                <sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
                <sitemap><loc>\(site)/crawl/sitemaps/urls.xml.gz</loc></sitemap>
                <sitemap><loc>
                  \(site)/crawl/sitemaps/urls.txt
                </loc></sitemap>
                </sitemapindex>
                """)))
        }
        router.get("/crawl/sitemaps/urls.xml.gz") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/gzip"], body: .init(byteBuffer: ByteBuffer(bytes: gzippedURLSet)))
        }
        router.get("/crawl/sitemaps/urls.txt") { request, _ in
            let site = "http://" + (request.head.authority ?? "")
            return Response(
                status: .ok, headers: [.contentType: "text/plain"],
                body: .init(byteBuffer: ByteBuffer(string: "\(site)/crawl/sitemaps/p2.html\n\n\(site)/crawl/sitemaps/p3.html\n")))
        }
        router.get("/crawl/sitemaps/:page") { _, context in
            html("<!doctype html><title>\(try context.parameters.require("page"))</title><a href=\"p2.html\">p2</a>")
        }
    }

    private static func basic(_ path: String) -> Response {
        guard let page = basicPages[path] else { return Response(status: .notFound) }
        return Response(
            status: .init(code: page.status), headers: [.contentType: page.type + "; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: page.body)))
    }

    private static func html(_ body: String) -> Response {
        Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}
