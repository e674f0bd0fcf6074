import Foundation
import Testing
@testable import ScrapeHTML

/// `querySelectorAll`'s answers from Chromium (`Fixtures/selector_cases.json`, written by
/// `Fixtures/make_selector_cases.py`) for every selector kind, on trees built from the
/// same markup: each case checks that both trees list the same elements, then that the
/// selector picks the same ones, in document order, or that both refuse it. Where scrape
/// departs on purpose (the standard over Chromium, or a selector refused rather than
/// matching nothing), the departure is listed with its reason.
struct SelectorBrowserTests {
    struct Case: Decodable, CustomTestStringConvertible, Sendable {
        let body: String
        let quirks: Bool
        let selector: String
        let expected: [Int]?
        let elements: [String]
        var testDescription: String { (quirks ? "quirks " : "") + selector }
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
        #expect(Self.cases.count >= 180)
    }

    @Test(arguments: cases)
    func selectsWhatChromiumSelects(_ test: Case) throws {
        let markup = (test.quirks ? "" : "<!DOCTYPE html>") + "<html><head></head><body>" + test.body + "</body></html>"
        let document = SelectorTestTree.document(markup)
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
