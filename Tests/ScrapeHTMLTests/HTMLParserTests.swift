@testable import ScrapeHTML
import Testing

/// What the `.dat` notation cannot show: the document mode, namespaces as the DOM API
/// reports them, and that deep documents parse without recursion (no stack overflow,
/// no quadratic walk: 100,000 nested elements finish; no timing assertion).
struct HTMLParserTests {
    private func parse(_ html: String, scripting: Bool = true) -> HTMLDocument {
        var bytes = Array(html.utf8)
        return bytes.withUnsafeMutableBufferPointer { HTMLParser.parse(utf8: UnsafeBufferPointer($0), scripting: scripting) }
    }

    /// The body element's chain of first children that are elements named `name`.
    private func nestingDepth(of name: String, in document: HTMLDocument) -> Int {
        guard let body = document.documentElement?.children.first(where: { $0.name == "body" }) else { return 0 }
        var depth = 0
        var node = body.firstChild
        while let element = node, element.isElement, element.name == name {
            depth += 1
            node = element.firstChild
        }
        return depth
    }

    @Test func hundredThousandNestedDivs() {
        let document = parse(String(repeating: "<div>", count: 100_000) + "x")
        #expect(nestingDepth(of: "div", in: document) == 100_000)
    }

    @Test func hundredThousandNestedBs() {
        let document = parse(String(repeating: "<b>", count: 100_000) + "x" + String(repeating: "</b>", count: 100_000) + "y")
        #expect(nestingDepth(of: "b", in: document) == 100_000)
    }

    @Test func hundredThousandFormattingElementsReopenedByParagraphs() {
        // Each <p> closes the one before (and the <b> in it); the text reopens the <b>s
        // still listed: the Noah's Ark clause keeps that to three per paragraph.
        let document = parse(String(repeating: "<b><p>x", count: 100_000))
        // The first <b> stays open around every paragraph.
        let outer = document.documentElement?.lastChild?.firstChild
        #expect(outer?.children.map { $0 }.count == 100_000)
    }

    @Test func deeplyNestedTables() {
        let document = parse(String(repeating: "<table><tr><td>", count: 20_000) + "x")
        var depth = 0
        var node = document.documentElement
        while let current = node {
            if current.name == "table" { depth += 1 }
            node = current.lastChild
        }
        #expect(depth == 20_000)
    }

    @Test func hundredThousandNestedSVGGroups() {
        let document = parse("<svg>" + String(repeating: "<g>", count: 100_000))
        var depth = 0
        var node = document.documentElement?.lastChild?.firstChild?.firstChild
        while let current = node, current.name == "g" {
            depth += 1
            node = current.firstChild
        }
        #expect(depth == 100_000)
    }

    @Test func tagsWithManyAttributes() throws {
        let attributes = (0..<50_000).map { " a\($0)=\($0)" }.joined()
        let document = parse("<body><div" + attributes + "></div><body" + attributes + " extra>")
        let body = try #require(document.documentElement?.lastChild)
        #expect(body.firstChild?.attributes.map { $0 }.count == 50_000)
        #expect(body.attributes.map { $0 }.count == 50_001)
        #expect(body.attribute("a49999") == "49999")
        let svgDocument = parse("<svg" + attributes + ">")
        #expect(svgDocument.documentElement?.lastChild?.firstChild?.attributes.map { $0 }.count == 50_000)
    }

    @Test(arguments: [
        ("<!DOCTYPE html>", HTMLDocument.Mode.noQuirks),
        ("<!doctype HTML SYSTEM \"about:legacy-compat\">", .noQuirks),
        ("", .quirks),
        ("<!DOCTYPE svg>", .quirks),
        ("<!DOCTYPE html PUBLIC \"-//W3C//DTD HTML 4.01 Transitional//EN\">", .quirks),
        ("<!DOCTYPE html PUBLIC \"-//W3C//DTD HTML 4.01 Transitional//EN\" \"http://www.w3.org/TR/html4/loose.dtd\">", .limitedQuirks),
        ("<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\" \"x\">", .limitedQuirks),
        ("<!DOCTYPE html PUBLIC \"-//w3c//dtd html 3.2 final//en\">", .quirks),
        ("<!DOCTYPE html PUBLIC \"HTML\">", .quirks),
        ("<!DOCTYPE html SYSTEM \"http://www.ibm.com/data/dtd/v11/ibmxhtml1-transitional.dtd\">", .quirks),
        ("<!DOCTYPE html PUBLIC \"-//W3C//DTD HTML 4.01//EN\">", .noQuirks),
    ])
    func documentModeComesFromTheDoctype(_ doctype: String, _ mode: HTMLDocument.Mode) {
        #expect(parse(doctype + "<p>x").mode == mode)
    }

    @Test func foreignElementsAndAttributesCarryTheirNamespaces() throws {
        let document = parse("<svg viewbox='0 0 1 1' xlink:href='#a'><foreignObject><p>x</p></foreignObject></svg><math><mi>y</mi></math>")
        let body = try #require(document.documentElement?.lastChild)
        let svg = try #require(body.firstChild)
        #expect(svg.namespace == .svg)
        #expect(svg.attributes.map(\.qualifiedName) == ["viewBox", "xlink:href"])
        #expect(svg.attributes.map(\.namespace) == [nil, .xlink])
        let foreignObject = try #require(svg.firstChild)
        #expect(foreignObject.name == "foreignObject")
        #expect(foreignObject.firstChild?.namespace == .html)
        #expect(foreignObject.firstChild?.isHTML("p") == true)
        #expect(body.lastChild?.namespace == .mathML)
    }

    @Test func templateContentsAreNotChildren() throws {
        let document = parse("<template><p>in</p></template>")
        let head = try #require(document.documentElement?.firstChild)
        let template = try #require(head.firstChild)
        #expect(template.firstChild == nil)
        #expect(template.templateContents?.firstChild?.name == "p")
        #expect(template.templateContents?.kind == .fragment)
    }

    @Test func textRunsBecomeOneNode() throws {
        let text = String(repeating: "ab&amp;c ", count: 10_000)
        let document = parse("<p>" + text)
        let paragraph = try #require(document.documentElement?.lastChild?.firstChild)
        #expect(paragraph.children.map { $0 }.count == 1)
        #expect(paragraph.textContent == String(repeating: "ab&c ", count: 10_000))
    }

    @Test func scriptingFlagDecidesNoscript() throws {
        let on = parse("<body><noscript><p>x</p></noscript>")
        let off = parse("<body><noscript><p>x</p></noscript>", scripting: false)
        #expect(on.documentElement?.lastChild?.firstChild?.firstChild?.kind == .text)
        #expect(off.documentElement?.lastChild?.firstChild?.firstChild?.name == "p")
    }

    /// Nodes the standard drops are kept for freeing with the document (libxml2 never
    /// frees a node that is in no tree): the `body` a `frameset` replaces, the children
    /// a `selectedcontent` loses, a fragment's context element. Each was a leak per page.
    @Test func droppedNodesAreFreedWithTheDocument() {
        let frameset = parse("<div class=a><span title=t></span></div><frameset><frame></frameset>")
        #expect(frameset.discarded.count == 1)
        #expect(frameset.discarded.first.map { DOMNode($0).name } == "body")
        #expect(frameset.documentElement?.children.map(\.name) == ["head", "frameset"])

        let select = parse("<select><button><selectedcontent>old<i>x</i></selectedcontent></button><option>one<b>1</b><option selected>two</select>")
        #expect(select.discarded.count >= 2)  // "old" and <i>, then each earlier copy
        #expect(select.discarded.allSatisfy { DOMNode($0).parent == nil })

        var bytes = Array("<td>x".utf8)
        let fragment = bytes.withUnsafeMutableBufferPointer { HTMLParser.parseFragment(utf8: UnsafeBufferPointer($0), contextName: "tr") }
        #expect(fragment.discarded.map { DOMNode($0).name } == ["tr"])
    }
}
