import Testing
@testable import ScrapeHTML

/// The selector parser: what it accepts (pseudo-elements, the list rule, escapes, An+B)
/// and, for every kind of fault, the error's kind, offset and message.
struct SelectorParserTests {
    struct Refusal: CustomTestStringConvertible, Sendable {
        let selector: String
        let kind: SelectorError.Kind
        let offset: Int
        let message: String
        var testDescription: String { selector }
        init(_ selector: String, _ kind: SelectorError.Kind, _ offset: Int, _ message: String) {
            (self.selector, self.kind, self.offset, self.message) = (selector, kind, offset, message)
        }
    }

    static let refusals: [Refusal] = [
        Refusal("", .unexpected, 0, "expected a selector at 0"),
        Refusal("  ", .unexpected, 2, "expected a selector at 2"),
        Refusal("a,,b", .unexpected, 2, "expected a selector at 2"),
        Refusal("a,", .unexpected, 2, "expected a selector at 2"),
        Refusal("div >", .unexpected, 4, "expected a selector after '>' at 4"),
        Refusal("p ~", .unexpected, 2, "expected a selector after '~' at 2"),
        Refusal("p > > a", .unexpected, 2, "expected a selector after '>' at 2"),
        Refusal("> p", .unexpected, 0, "expected a selector before '>' at 0"),
        Refusal("p)", .unexpected, 1, "unexpected ')' at 1"),
        Refusal("p{", .unexpected, 1, "unexpected '{' at 1"),
        Refusal("@media", .unexpected, 0, "unexpected '@media' at 0"),
        Refusal("p..x", .unexpected, 1, "expected a class name after '.' at 1"),
        Refusal(".1", .invalid, 0, "'.1' is not a valid class selector at 0: a name cannot start with a digit unless escaped, as in '.\\31 23'"),
        Refusal("#1", .invalid, 0, "'#1' is not a valid id selector at 0: a name cannot start with a digit unless escaped, as in '#\\31 23'"),
        Refusal("p[", .invalid, 1, "expected an attribute name after '[' at 1"),
        Refusal("[=x]", .invalid, 1, "expected an attribute name after '[' at 1"),
        Refusal("[a~x]", .invalid, 2, "expected ']' or one of = ~= |= ^= $= *= after the attribute name, not '~' at 2"),
        Refusal("[a^=]", .invalid, 2, "expected a value after '^=' at 2: an identifier or a quoted string"),
        Refusal("[lang=en x]", .invalid, 9, "unknown attribute selector flag 'x' at 9: the flags are 'i' and 's'"),
        Refusal("[lang=en i x]", .unexpected, 11, "expected ']' to close the attribute selector, not 'x' at 11"),
        Refusal("[a='x\ny']", .invalid, 3, "unterminated string at 3: a string cannot hold a newline"),
        Refusal("svg|rect", .unsupported, 3, "namespace prefix '|' at 3: namespaces are not supported (HTML elements match without one)"),
        Refusal("*|a", .unsupported, 1, "namespace prefix '|' at 1: namespaces are not supported (HTML elements match without one)"),
        Refusal("|a", .unsupported, 0, "namespace prefix '|' at 0: namespaces are not supported (HTML elements match without one)"),
        Refusal("[ns|a]", .unsupported, 3, "namespace prefix '|' at 3: namespaces are not supported (HTML elements match without one)"),
        Refusal("a:hover", .unsupported, 1, "unsupported pseudo-class ':hover' at 1: it depends on a browser's state or layout, which a saved page has not"),
        Refusal("input:CHECKED", .unsupported, 5, "unsupported pseudo-class ':CHECKED' at 5: it depends on a browser's state or layout, which a saved page has not"),
        Refusal("a:link", .unsupported, 1, "unsupported pseudo-class ':link' at 1: it depends on a browser's state or layout, which a saved page has not"),
        Refusal("p:lang(en)", .unsupported, 1, "unsupported pseudo-class ':lang()' at 1: an element's language also comes from HTTP headers, which the matcher does not see (write '[lang|=en]')"),
        Refusal(":scope > p", .unsupported, 0, "unsupported pseudo-class ':scope' at 0: a field's selector is matched against the whole document, with no scoping element (write ':root')"),
        Refusal("a:before", .unsupported, 1, "unsupported pseudo-element ':before' at 1: scrape knows '::text', '::attr(NAME)', '::url(NAME)' and '::html'"),
        Refusal("p:foo", .unknownPseudo, 1, "unknown pseudo-class ':foo' at 1"),
        Refusal("p:foo()", .unknownPseudo, 1, "unknown pseudo-class ':foo()' at 1"),
        Refusal("p:", .unexpected, 1, "expected a pseudo-class name after ':' at 1"),
        Refusal(":not", .invalid, 0, "':not' needs an argument at 0: write ':not(…)'"),
        Refusal("p:first-child()", .invalid, 1, "':first-child' takes no argument at 1"),
        Refusal("p:not()", .invalid, 1, ":not() needs a selector at 1"),
        Refusal("p:not(a, )", .unexpected, 9, "expected a selector at 9"),
        Refusal(":has()", .invalid, 0, ":has() needs a selector at 0"),
        Refusal("p:has(>)", .unexpected, 6, "expected a selector after '>' at 6"),
        Refusal("p:has(:has(a))", .invalid, 6, "':has()' inside ':has()' at 6: ':has()' cannot be nested"),
        Refusal("p:nth-child()", .invalid, 1, "invalid An+B in ':nth-child()' at 1: write 'odd', 'even', '3', '2n+1', '-n+3'"),
        Refusal("li:nth-child(2 n)", .invalid, 13, "invalid An+B in ':nth-child()' at 13: write 'odd', 'even', '3', '2n+1', '-n+3'"),
        Refusal("li:nth-child(2n+1 of)", .invalid, 18, "'of' needs a selector at 18"),
        Refusal("li:nth-of-type(2n of .x)", .invalid, 18, "':nth-of-type()' takes no 'of S' at 18: only ':nth-child()' and ':nth-last-child()' do"),
        Refusal(".price::atr(x)", .unknownPseudo, 6, "unknown pseudo-element '::atr' at 6: scrape knows '::text', '::attr(NAME)', '::url(NAME)' and '::html'"),
        Refusal("p::before", .unknownPseudo, 1, "unknown pseudo-element '::before' at 1: scrape knows '::text', '::attr(NAME)', '::url(NAME)' and '::html'"),
        Refusal("::", .unexpected, 0, "expected a pseudo-element name after '::' at 0"),
        Refusal("::attr", .invalid, 0, "::attr needs a name at 0: write '::attr(href)'"),
        Refusal("a::attr()", .invalid, 1, "::attr needs a name at 1: write '::attr(href)'"),
        Refusal("a::url( )", .invalid, 1, "::url needs a name at 1: write '::url(href)'"),
        Refusal("a::attr(x y)", .invalid, 8, "::attr() takes one attribute name at 8"),
        Refusal("a::text b", .unexpected, 8, "unexpected 'b' after '::text' at 8: a pseudo-element ends the selector"),
        Refusal("a::text.x", .unexpected, 7, "unexpected '.' after '::text' at 7: a pseudo-element ends the selector"),
        Refusal("p:not(a::text)", .invalid, 7, "pseudo-element '::text' inside an argument at 7: a pseudo-element can only end the whole selector"),
        Refusal("a::text, b", .invalid, 1, "'::text' is not at the end of the list at 1: one pseudo-element applies to the whole list: write it after the last selector, or after every one"),
        Refusal("a::text, b::html", .invalid, 1, "'::text' differs from the list's '::html' at 1: one pseudo-element applies to the whole list"),
        Refusal("é::tekst", .unknownPseudo, 1, "unknown pseudo-element '::tekst' at 1: scrape knows '::text', '::attr(NAME)', '::url(NAME)' and '::html'"),
    ]

    @Test(arguments: refusals)
    func refusesWithKindOffsetAndMessage(_ refusal: Refusal) {
        #expect(throws: SelectorError.self) { try CSSSelector(refusal.selector) }
        do {
            _ = try CSSSelector(refusal.selector)
        } catch {
            #expect(error.kind == refusal.kind)
            #expect(error.offset == refusal.offset)
            #expect(error.message == refusal.message)
            #expect(error.description == refusal.message)
        }
    }

    @Test(arguments: [
        ("h1", nil), ("h1::text", PseudoElement.text), ("a::attr(href)", .attribute("href")), ("a::ATTR( 'data-x' )", .attribute("data-x")),
        ("a::url(href)", .url("href")), ("div::html", .html), ("::text", .text), ("h1, h2::text", .text),
        ("h1::text, h2::text", .text), ("h1 , h2::attr(id) ", .attribute("id")), ("p::TEXT", .text),
    ] as [(String, PseudoElement?)])
    func readsThePseudoElement(_ selector: String, _ pseudo: PseudoElement?) throws {
        #expect(try CSSSelector(selector).pseudoElement == pseudo)
    }

    @Test func acceptsWhatBrowsersAccept() throws {
        for selector in ["a:is(p", "[a=\"b", "p:not(a)  ", "a , b", "p>a+b~c d", "/* c */ p", ":is(:hover, p)", ":is()", ":where(,p,)",
                         "li:nth-child( -n + 3 of .x , .y )", "p:is(a::text)", "[a|=b]", "[a=b i]", "[a=b S]", "*", "*.x#y[z]:root",
                         "p:has(> img, + p, ~ p, a b)", ":NOT(p)", "\\70", "p\\,", "p:nth-child(n- 1)"] {
            #expect(throws: Never.self, "\(selector)") { try CSSSelector(selector) }
        }
    }

    @Test func escapesAreResolved() throws {
        let parsed = try CSSSelector("#\\31 23.\\78\\79 z")
        let compound = try #require(parsed.list.selectors.first?.compounds.first)
        guard case .id(let id) = compound.conditions[0], case .className(let name) = compound.conditions[1] else {
            Issue.record("expected an id and a class")
            return
        }
        #expect(id == Array("123".utf8))
        #expect(name == Array("xyz".utf8))
        let tokens = CSSTokenizer.tokenize("\\0 a\\110000 '\\41\\\nB'")
        #expect(tokens[0].kind == .ident("\u{FFFD}a\u{FFFD}"))
        #expect(tokens[1].kind == .string("AB"))
    }

    @Test(arguments: [
        ("odd", 2, 1), ("EVEN", 2, 0), ("5", 0, 5), ("+5", 0, 5), ("-5", 0, -5), ("n", 1, 0), ("+n", 1, 0), ("-n", -1, 0),
        ("2n", 2, 0), ("-n+3", -1, 3), ("2n+1", 2, 1), ("2n + 1", 2, 1), ("2n- 1", 2, -1), ("2n -1", 2, -1), ("2n-1", 2, -1),
        ("n-1", 1, -1), ("-n-1", -1, -1), ("-2N+5", -2, 5), ("0n+2", 0, 2), ("+n+2", 1, 2), ("3n - 2", 3, -2),
    ])
    func readsAnPlusB(_ text: String, _ a: Int, _ b: Int) {
        let tokens = CSSTokenizer.tokenize(text).dropLast()
        #expect(NthPattern(tokens: tokens) == NthPattern(a: a, b: b))
    }

    @Test(arguments: ["", "+ n", "- n", "2 n", "1.5", "n+", "n + -1", "2n+1 3", "n-a", "--n", "odd 1", "3n+-1"])
    func refusesBadAnPlusB(_ text: String) {
        #expect(NthPattern(tokens: CSSTokenizer.tokenize(text).dropLast()) == nil)
    }

    @Test func matchesAnPlusBPositions() {
        #expect((1...10).filter(NthPattern(a: 2, b: 1).matches) == [1, 3, 5, 7, 9])
        #expect((1...10).filter(NthPattern(a: -1, b: 3).matches) == [1, 2, 3])
        #expect((1...10).filter(NthPattern(a: 3, b: -1).matches) == [2, 5, 8])
        #expect((1...10).filter(NthPattern(a: 0, b: 4).matches) == [4])
        #expect((1...10).filter(NthPattern(a: -2, b: 5).matches) == [1, 3, 5])
        #expect((1...10).filter(NthPattern(a: 1, b: -1).matches) == Array(1...10))
    }
}
