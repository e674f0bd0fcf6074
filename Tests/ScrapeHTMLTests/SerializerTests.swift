@testable import ScrapeHTML
import Testing

/// ``HTMLSerializer`` against the HTML standard's fragment serialization algorithm (what
/// `outerHTML` gives in a browser).
struct SerializerTests {
    private func outerHTML(_ body: [HandNode], of name: String = "div", scripting: Bool = true) throws -> String {
        let document = HandTree.document(body: body)
        let node = try #require(HandTree.first(name, in: document))
        return HTMLSerializer(scripting: scripting).outerHTML(node)
    }

    @Test func elementsAttributesAndText() throws {
        let html = try outerHTML([.el("div", [("id", "a"), ("class", "b c")], [.text("x "), .el("span", [], [.text("y")])])])
        #expect(html == #"<div id="a" class="b c">x <span>y</span></div>"#)
    }

    @Test func voidElementsHaveNoEndTag() throws {
        let html = try outerHTML([.el("div", [], [.el("br"), .el("img", [("src", "a.png")]), .el("input"), .el("hr"), .el("wbr")])])
        #expect(html == #"<div><br><img src="a.png"><input><hr><wbr></div>"#)
    }

    @Test func textEscapesAmpersandNBSPAndAngles() throws {
        let html = try outerHTML([.el("div", [], [.text("a & b < c > d \u{A0} \"e\" 'f'")])])
        #expect(html == "<div>a &amp; b &lt; c &gt; d &nbsp; \"e\" 'f'</div>")
    }

    @Test func attributeValuesEscapeQuotesAndAngles() throws {
        let html = try outerHTML([.el("div", [("title", "a & \"b\" <c> \u{A0} 'd'")])])
        #expect(html == "<div title=\"a &amp; &quot;b&quot; &lt;c&gt; &nbsp; 'd'\"></div>")
    }

    @Test(arguments: ["style", "script", "xmp", "iframe", "noembed", "noframes", "plaintext", "noscript"])
    func rawTextParentsAreNotEscaped(_ name: String) throws {
        let html = try outerHTML([.el("div", [], [.el(name, [], [.text("a < b && c > d")])])])
        #expect(html == "<div><\(name)>a < b && c > d</\(name)></div>")
    }

    @Test func noscriptIsEscapedWithScriptingOff() throws {
        let html = try outerHTML([.el("div", [], [.el("noscript", [], [.text("<b>")])])], scripting: false)
        #expect(html == "<div><noscript>&lt;b&gt;</noscript></div>")
    }

    @Test func commentsAreWrittenAsTheyAre() throws {
        let html = try outerHTML([.el("div", [], [.comment(" a < b "), .text("c")])])
        #expect(html == "<div><!-- a < b -->c</div>")
    }

    @Test func templateContentsAreWrittenAsChildren() throws {
        let template = HandNode.element("template", [], [], contents: [.el("p", [], [.text("in <template>")])])
        let html = try outerHTML([.el("div", [], [template])])
        #expect(html == "<div><template><p>in &lt;template&gt;</p></template></div>")
    }

    @Test func scriptInTemplateContentsIsRawButTextDirectlyInContentsIsEscaped() throws {
        let template = HandNode.element("template", [], [], contents: [.text("a<b"), .el("script", [], [.text("x<y")])])
        let html = try outerHTML([template], of: "template")
        #expect(html == "<template>a&lt;b<script>x<y</script></template>")
    }

    @Test func preKeepsNoExtraLeadingNewline() throws {
        let html = try outerHTML([.el("pre", [], [.text("\nline")])], of: "pre")
        #expect(html == "<pre>\nline</pre>")
    }

    @Test func svgKeepsCaseAndForeignAttributePrefixes() throws {
        let svg = HandNode.element(
            "svg", [("viewBox", "0 0 1 1")],
            [
                .element("foreignObject", [], [], namespace: .svg),
                .element("use", [], [], namespace: .svg, foreignAttributes: [(.xlink, "href", "#a")]),
                .element("style", [], [.text("a<b")], namespace: .svg),
                .element("br", [], [], namespace: .svg),
            ],
            namespace: .svg, foreignAttributes: [(.xmlns, "xmlns", "http://www.w3.org/2000/svg"), (.xmlns, "xlink", "http://www.w3.org/1999/xlink"), (.xml, "lang", "en")])
        let html = try outerHTML([svg], of: "svg")
        #expect(html == ##"<svg viewBox="0 0 1 1" xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" xml:lang="en"><foreignObject></foreignObject><use xlink:href="#a"></use><style>a&lt;b</style><br></br></svg>"##)
    }

    @Test func deepTreesDoNotOverflowTheStack() throws {
        let document = HandTree.document(body: [])
        var parent = try #require(HandTree.first("body", in: document))
        for _ in 0..<100_000 {
            let element = document.createElement(Array("b".utf8), namespace: .html, attributes: [])
            document.insert(element, into: parent, before: nil)
            parent = element
        }
        let html = HTMLSerializer().outerHTML(try #require(HandTree.first("body", in: document)))
        #expect(html.utf8.count == "<body></body>".utf8.count + 100_000 * 7)
    }
}
