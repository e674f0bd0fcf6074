import Foundation
import Testing
@testable import ScrapeHTML

/// `querySelectorAll`'s answers from Chromium (`Fixtures/selector_cases.json`, written by
/// `Fixtures/make_selector_cases.py`) for every selector kind, on trees built from the
/// same markup or parsed from the same page by ``HTMLParser`` (implied and misnested tags,
/// tables, foreign content, quirks): each case checks that both trees list the same
/// elements, then that the selector picks the same ones, in document order, or that both
/// refuse it. Where scrape departs on purpose (the standard over Chromium, or a selector
/// refused rather than matching nothing), the departure is listed with its reason.
struct SelectorBrowserTests {
    struct Case: Decodable, CustomTestStringConvertible, Sendable {
        /// Markup for ``SelectorTestTree``, or a whole page for ``HTMLParser``.
        let body: String?
        let quirks: Bool?
        let page: String?
        let selector: String
        let expected: [Int]?
        let elements: [String]
        var testDescription: String { (page != nil ? "parsed " : quirks == true ? "quirks " : "") + selector }

        /// The document the case is about: the page parsed (scripting off, as in
        /// DOMParser), or the body's markup built as written.
        func document() -> HTMLDocument {
            if let page {
                return Array(page.utf8).withUnsafeBufferPointer { HTMLParser.parse(utf8: $0, scripting: false) }
            }
            let markup = (quirks == true ? "" : "<!DOCTYPE html>") + "<html><head></head><body>" + (body ?? "") + "</body></html>"
            return SelectorTestTree.document(markup)
        }
    }

    static let cases: [Case] = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/selector_cases.json")
        guard let data = try? Data(contentsOf: url), let cases = try? JSONDecoder().decode([Case].self, from: data) else { return [] }
        return cases
    }()

    /// Selectors whose answer differs from Chromium's on purpose: scrape's answer (nil:
    /// refused), and why.
    static let departures: [String: (answer: [Int]?, reason: String)] = [
        "[type='text/html' s]": ([], "the `s` flag (Selectors 4), which Chromium does not parse yet"),
        "[type=checkbox s]": ([], "the `s` flag makes `type` case-sensitive: CHECKBOX is not checkbox"),
        "foreignobject": ([], "HTML standard: a type selector keeps its case for SVG elements; Chromium ignores case"),
        "FOREIGNOBJECT": ([], "as foreignobject"),
        "[VIEWBOX]": ([], "HTML standard: an attribute selector keeps its case for SVG attributes; Chromium ignores case"),
        "*|p": (nil, "namespace prefixes are refused (no @namespace rules on the command line)"),
        "|p": (nil, "as *|p"),
        "p:HOVER": (nil, "state pseudo-classes are refused: a saved page has no hover state"),
        "p::before": (nil, "only scrape's pseudo-elements are known"),
        "p:lang(en)": (nil, ":lang() is refused: a page's language also comes from HTTP headers scrape does not pass to the matcher"),
    ]

    @Test func theCasesAreThere() {
        #expect(Self.cases.count >= 280)
        #expect(Self.cases.filter { $0.page != nil }.count >= 40)
    }

    @Test(arguments: cases)
    func selectsWhatChromiumSelects(_ test: Case) throws {
        let document = test.document()
        #expect(SelectorTestTree.elements(of: document).map(\.name) == test.elements)
        let expected = Self.departures[test.selector].map(\.answer) ?? test.expected
        let selector: CSSSelector
        do {
            selector = try CSSSelector(test.selector)
        } catch {
            #expect(expected == nil, "refused: \(error)")
            return
        }
        let found = SelectorTestTree.indexes(of: selector.select(in: document), in: document)
        #expect(found == expected)
        #expect(selector.first(in: document).map { SelectorTestTree.indexes(of: [$0], in: document) } == expected?.first.map { [$0] })
        let all = SelectorTestTree.elements(of: document)
        #expect(all.indices.filter { selector.matches(all[$0], in: document) } == expected)
    }
}
