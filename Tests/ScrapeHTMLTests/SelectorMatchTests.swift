import CLibXML2
import Testing
@testable import ScrapeHTML

/// The matcher's rules that the Chromium cases cannot show: template contents, namespaced
/// attributes, document modes, the `s` and `i` flags, the API's three entry points, one
/// selector shared across threads, and the name interning it relies on.
struct SelectorMatchTests {
    static let page = """
        <!DOCTYPE html><html><head></head><body><div id="a" class="Card"><p>1</p><p>2</p></div>\
        <template><p class="t">in template</p><div><p>deeper</p></div></template>\
        <svg><a href="h" class="k"></a><use xlink:href="#x"></use></svg>\
        <input type="Email"><h1>H</h1><h2>H2</h2></body></html>
        """

    static func elements(_ selector: String, _ document: HTMLDocument) throws -> [String] {
        try CSSSelector(selector).select(in: document).map(\.name)
    }

    @Test func templateContentsAreNotSearched() throws {
        let document = SelectorTestTree.document(Self.page)
        #expect(try Self.elements("p", document) == ["p", "p"])
        #expect(try Self.elements(".t", document).isEmpty)
        #expect(try Self.elements("template *", document).isEmpty)
        #expect(try Self.elements("template:empty", document) == ["template"])
        // An element inside the contents still matches what it is, but has no element parent.
        let template = try #require(CSSSelector("template").first(in: document))
        let inside = try #require(template.templateContents?.firstChild)
        #expect(try CSSSelector("p.t:first-child").matches(inside, in: document))
        #expect(try !CSSSelector("template p").matches(inside, in: document))
        #expect(try !CSSSelector(":root").matches(inside, in: document))
        #expect(try !CSSSelector("*").matches(template.templateContents!, in: document))
    }

    @Test func namespacedAttributesAreNotNamelessOnes() throws {
        let document = HTMLDocument()
        let svg = document.createElement(Array("svg".utf8), namespace: .svg, attributes: [])
        document.insert(svg, into: document.document, before: nil)
        let use = document.createElement(Array("use".utf8), namespace: .svg, attributes: [
            .init(namespace: .xlink, localName: Array("href".utf8), value: Array("#x".utf8)),
        ])
        document.insert(use, into: svg, before: nil)
        #expect(try Self.elements("[href]", document).isEmpty)
        #expect(try Self.elements("use", document) == ["use"])
        #expect(try Self.elements("svg > use:only-child", document) == ["use"])
    }

    @Test func idAndClassIgnoreCaseOnlyInQuirksMode() throws {
        let markup = "<html><head></head><body><p id=\"Main\" class=\"Intro big\">x</p></body></html>"
        for (mode, expected) in [(HTMLDocument.Mode.quirks, 1), (.limitedQuirks, 0), (.noQuirks, 0)] {
            let document = SelectorTestTree.document(markup)
            document.mode = mode
            #expect(try CSSSelector("#main").select(in: document).count == expected, "\(mode)")
            #expect(try CSSSelector(".intro.BIG").select(in: document).count == expected, "\(mode)")
            #expect(try CSSSelector("body .INTRO").select(in: document).count == expected, "\(mode)")
            #expect(try CSSSelector("[id=main]").select(in: document).isEmpty, "attribute selectors keep their case: \(mode)")
            #expect(try CSSSelector("#Main.Intro").select(in: document).count == 1)
        }
    }

    @Test func theFlagsDecideTheValuesCase() throws {
        let document = SelectorTestTree.document(Self.page)
        #expect(try Self.elements("[type=email]", document) == ["input"])
        #expect(try Self.elements("[type=email s]", document).isEmpty)
        #expect(try Self.elements("[type=Email s]", document) == ["input"])
        #expect(try Self.elements("[class=card]", document).isEmpty)
        #expect(try Self.elements("[class=card i]", document) == ["div"])
        #expect(try Self.elements("[class=CARD I]", document) == ["div"])
        // The standard's list applies to HTML elements only.
        #expect(try Self.elements("svg [class=K]", document).isEmpty)
    }

    @Test func theThreeEntryPointsAgree() throws {
        let document = SelectorTestTree.document(Self.page)
        for text in ["p", "div, div p", "h2, h1", "body > *", "nothing", "svg *", ":has(> p)"] {
            let selector = try CSSSelector(text)
            let all = selector.select(in: document)
            #expect(selector.first(in: document) == all.first, "\(text)")
            let every = SelectorTestTree.elements(of: document).filter { selector.matches($0, in: document) }
            #expect(every == all, "\(text)")
            #expect(Set(all).count == all.count, "no duplicates: \(text)")
        }
        #expect(try Self.elements("h2, h1", document) == ["h1", "h2"], "document order, not list order")
        #expect(try !CSSSelector("*").matches(document.document, in: document))
    }

    @Test func aPseudoElementOnTheLastSelectorCoversTheList() throws {
        let document = SelectorTestTree.document(Self.page)
        let selector = try CSSSelector("h1, h2::text")
        #expect(selector.pseudoElement == .text)
        #expect(selector.select(in: document).map(\.name) == ["h1", "h2"])
        #expect(try CSSSelector("::attr(type)").select(in: document).count == SelectorTestTree.elements(of: document).count)
    }

    @Test func oneSelectorServesManyThreads() async throws {
        let selector = try CSSSelector("div p:nth-child(2), h1:has(+ h2)")
        let counts = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    let document = SelectorTestTree.document(Self.page)
                    return (0..<50).reduce(0) { total, _ in total + selector.select(in: document).count }
                }
            }
            return await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(counts == Array(repeating: 100, count: 8))
    }

    /// The matcher compares names as pointers into the document's dictionary: every element
    /// and attribute name must be interned there (the building API and the parser do it).
    @Test func namesAreInternedInTheDocumentsDictionary() throws {
        let parsed = Array((Self.page + "<math definitionURL=x><mi MathVariant=y>").utf8).withUnsafeBufferPointer { HTMLParser.parse(utf8: $0) }
        for document in [SelectorTestTree.document(Self.page), parsed] {
            for element in SelectorTestTree.elements(of: document) {
                #expect(xmlDictOwns(document.raw.pointee.dict, element.raw.pointee.name) == 1)
                for attribute in element.attributes {
                    #expect(xmlDictOwns(document.raw.pointee.dict, attribute.raw.pointee.name) == 1, "\(attribute.qualifiedName)")
                }
            }
        }
        #expect(try CSSSelector("math[definitionURL] > mi[mathvariant=y]").select(in: parsed).count == 1)
    }
}
