@testable import ScrapeHTML
import Testing

/// `NAME=SPEC` parsing and the usage errors, with where the fault is.
struct FieldSpecTests {
    @Test func cssBareAndPrefixedAndXPath() throws {
        let set = try FieldSet(["h1=h1", "links[]=css:a::attr(href)", "n=xpath:count(//a)"])
        #expect(set.names == ["h1", "links", "n"])
        #expect(set.specs.map(\.takesAll) == [false, true, false])
        #expect(set.specs.map(\.isXPath) == [false, false, true])
        #expect(set.specs.map(\.query) == ["h1", "a::attr(href)", "count(//a)"])
        #expect(set.specs.map(\.text) == ["h1=h1", "links[]=css:a::attr(href)", "n=xpath:count(//a)"])
        #expect(!set.isEmpty)
        #expect(try FieldSet([]).isEmpty)
    }

    @Test func theFirstEqualsEndsTheName() throws {
        let set = try FieldSet(["next=a[rel=next]::url(href)"])
        #expect(set.names == ["next"])
        #expect(set.specs[0].query == "a[rel=next]::url(href)")
    }

    @Test func missingEquals() {
        #expect(throws: FieldSpecError.self) { try FieldSet(["h1"]) }
        #expect(error(["h1"])?.kind == .missingEquals)
        #expect(error(["h1"])?.description == "field 'h1': expected NAME=SPEC (css:SELECTOR, SELECTOR or xpath:EXPRESSION)")
    }

    @Test func emptyName() {
        #expect(error(["=h1"])?.kind == .emptyName)
        #expect(error(["[]=h1"])?.kind == .emptyName)
        #expect(error(["=h1"])?.description == "field '=h1': the NAME before '=' is empty")
    }

    @Test func duplicateNamesWithAndWithoutBrackets() {
        let failure = error(["h2=h2", "h2[]=h2"])
        #expect(failure?.kind == .duplicateName)
        #expect(failure?.description == "field 'h2': given twice")
        #expect(error(["a=h1", "a=h2"])?.kind == .duplicateName)
    }

    @Test func badSelectorSaysWhere() {
        let failure = error(["price=.price::atr(x)"])
        #expect(failure?.kind == .invalidSelector)
        #expect(failure?.offset == 6)
        #expect(failure?.description.hasPrefix("field 'price': '.price::atr(x)': unknown pseudo-element '::atr' at offset 6") == true)
    }

    @Test func badSelectorAfterThePrefix() {
        let failure = error(["x=css:div >"])
        #expect(failure?.kind == .invalidSelector)
        #expect(failure?.query == "div >")
        #expect(failure?.description.hasPrefix("field 'x': 'div >': ") == true)
    }

    @Test func emptySelector() {
        #expect(error(["x="])?.kind == .invalidSelector)
        #expect(error(["x=css:"])?.kind == .invalidSelector)
    }

    @Test func badXPathSaysWhere() throws {
        let failure = try #require(error(["n=xpath:count(//a"]))
        #expect(failure.kind == .invalidXPath)
        #expect(failure.query == "count(//a")
        #expect(failure.description.hasPrefix("field 'n': 'count(//a': does not parse as XPath 1.0: "))
        #expect(failure.offset != nil)
        #expect(failure.description.hasSuffix("at offset \(failure.offset ?? -1)"))
    }

    @Test func unclosedBracketIsWhereItOpens() {
        let failure = error(["n=xpath:count(//a"])
        #expect(failure?.offset == 5)
        #expect(failure?.description == "field 'n': 'count(//a': does not parse as XPath 1.0: '(' is not closed at offset 5")
    }

    @Test(arguments: ["", "//", "//a[", "1 +", "@@", "//a]", "foo(", "count(", "//a[@x='(']]"])
    func xpathThatDoesNotParse(_ expression: String) throws {
        let failure = try #require(error(["x=xpath:" + expression]))
        #expect(failure.kind == .invalidXPath)
        #expect(failure.description.contains("does not parse as XPath 1.0"))
    }

    @Test(arguments: ["//a/@href", "count(//a) > 2", "string(//title)", "//svg:circle", "//text()", "normalize-space(//h1)", "//a[@x='(']", "concat(\"]\", ')')"])
    func xpathThatParses(_ expression: String) throws {
        _ = try FieldSet(["x=xpath:" + expression])
    }

    private func error(_ specs: [String]) -> FieldSpecError? {
        do {
            _ = try FieldSet(specs)
            return nil
        } catch {
            return error
        }
    }
}
