import Testing
@testable import ScrapeHTML
struct SelectorProbeTests {
    @Test func bench() throws {
        var body = "<div id=\"main\"><header><nav><ul>"
        for i in 0..<40 { body += "<li class=\"nav-item\"><a href=\"/c/\(i)\" rel=\"\(i == 39 ? "next" : "x")\">Cat \(i)</a></li>" }
        body += "</ul></nav></header><div class=\"content\">"
        for i in 0..<300 {
            body += "<div class=\"product card\" data-id=\"\(i)\"><a href=\"/p/\(i)\"><img src=\"/i/\(i).jpg\" alt=\"x\"></a><h3 class=\"title\">Product \(i)</h3><p class=\"desc\">Some <b>bold</b> text <span class=\"price\">$\(i).99</span></p></div>"
        }
        body += "</div></div>"
        let document = SelectorTestTree.document("<!DOCTYPE html><html><head><title>t</title></head><body>" + body + "</body></html>")
        let total = SelectorTestTree.elements(of: document).count
        print("elements", total)
        let clock = ContinuousClock()
        for text in ["h1", ".price", "a::attr(href)", "div.product > a", "ul li:nth-child(2n)", "#main .content p", "[rel=next]", "div:has(> img)", "div:not(.x) span", "*", ".product:nth-child(5) .price", "body div.content div.card h3.title", "div:has(.price)"] {
            let selector = try CSSSelector(text)
            var n = 0
            let rounds = 200
            let t = clock.measure { for _ in 0..<rounds { n = selector.select(in: document).count } }
            let perSelect = t / rounds
            print(text, n, perSelect, "ns/element:", Double(perSelect.components.attoseconds) / 1e9 / Double(total))
        }
    }
}
