import Hummingbird
import NIOCore
import HTTPTypes

/// HTML pages for the field and metadata tests (issue 26), served at `/fields/NAME`
/// (`?status=N` serves one with that status) and written to files for `scrape extract`.
public enum FieldPages {
    /// A product page: a title with whitespace to collapse, nested text, own text beside
    /// child elements, relative links (one with a non-ASCII query), an attribute holding
    /// `<`, and metadata: two JSON-LD blocks that parse (one an `@graph`) around one that
    /// does not, OpenGraph with a repeated property, a Twitter card, `<meta name>` pairs
    /// (one repeated), a canonical link.
    public static let product = """
        <!doctype html>
        <html><head><title>  Blue
           Widget </title>
        <meta property="og:title" content="Blue Widget">
        <meta property="og:image" content="https://cdn.test/1.jpg">
        <meta property="og:image" content="https://cdn.test/2.jpg">
        <meta name="twitter:card" content="summary">
        <meta name="description" content="A widget">
        <meta name="keywords" content="a">
        <meta name="keywords" content="b">
        <link rel="canonical" href="https://shop.test/p/1">
        <script type="application/ld+json">{"@context": "https://schema.org", "@type": "Product", "name": "Blue Widget", "offers": {"price": 9.99, "sku": 12345678901234567890}}</script>
        <script type="application/ld+json">{"@type": "Product", "name": broken</script>
        <script type="application/ld+json">
          {"@context": "https://schema.org", "@graph": [{"@type": "Organization", "name": "Shop"}, {"@type": "WebSite", "url": "https://shop.test/"}]}
        </script>
        </head><body>
        <h1 id="name">Blue <b>Widget</b></h1>
        <p class="price">Price: <span>9.99</span> EUR</p>
        <h2>Specs</h2><h2>Reviews</h2>
        <a href="/p/2" class="next">next</a>
        <a>no href</a>
        <a href="other.html?q=é">rel</a>
        <div id="desc" data-x="a<b">Some <i>text</i></div>
        <template><h2>Not a child</h2></template>
        </body></html>
        """

    /// A page whose `<base href>` points elsewhere: `::url` resolves against it.
    public static let based = """
        <!doctype html><html><head><title>Based</title><base href="https://elsewhere.test/dir/"></head>
        <body><a href="x?y=1">x</a><img src="/img.png"></body></html>
        """

    /// The pages by name.
    public static let pages = ["product": product, "based": based]

    static func register(on router: Router<TestRequestContext>) {
        router.get("/fields/:name") { request, context in
            let name = try context.parameters.require("name")
            guard let page = pages[name] else { return Response(status: .notFound) }
            let status = request.uri.queryParameters.get("status", as: Int.self) ?? 200
            return Response(
                status: .init(code: status),
                headers: [.contentType: "text/html; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: page))
            )
        }
    }
}
