@testable import ScrapeHTML
import Testing

/// XPath fields over hand-built trees: every result kind, first and `[]`, the pool.
struct XPathTests {
    static let page = HandTree.document(
        head: [.el("title", [], [.text(" The  title ")])],
        body: [
            .el("h1", [("class", "top")], [.text("  Hello\n  "), .el("b", [], [.text("world")]), .text(" ")]),
            .el("a", [("href", "/one")], [.text("One")]),
            .el("a", [], [.text("none")]),
            .el("a", [("href", " two ")], [.text("Two")]),
            .comment(" note "),
            .element("svg", [], [.element("circle", [("r", "5")], [], namespace: .svg)], namespace: .svg),
            .element("template", [], [], contents: [.el("a", [("href", "/hidden")])]),
        ])

    private func values(_ specs: [String]) throws -> [FieldValue] {
        let extractor = PageExtractor(fields: try FieldSet(specs), metadata: false)
        return extractor.extract(from: Self.page, url: "https://example.com/dir/page").fields.map(\.value)
    }

    private func value(_ expression: String, all: Bool = false) throws -> FieldValue {
        try values([(all ? "x[]" : "x") + "=xpath:" + expression])[0]
    }

    @Test func elementGivesCollapsedText() throws {
        #expect(try value("//h1") == .string("Hello world"))
    }

    @Test func attributeGivesExactValue() throws {
        #expect(try value("//a/@href") == .string("/one"))
        #expect(try value("//a/@href", all: true) == .array([.string("/one"), .string(" two ")]))
    }

    @Test func textNodeGivesExactValue() throws {
        #expect(try value("//h1/text()") == .string("  Hello\n  "))
        #expect(try value("//h1/text()", all: true) == .array([.string("  Hello\n  "), .string(" ")]))
    }

    @Test func commentGivesItsData() throws {
        #expect(try value("//comment()") == .string(" note "))
    }

    @Test func scalars() throws {
        #expect(try value("count(//a)") == .number(3))
        #expect(try value("count(//a) div 2") == .number(1.5))
        #expect(try value("string(//a[2])") == .string("none"))
        #expect(try value("count(//a) > 2") == .bool(true))
        #expect(try value("boolean(//table)") == .bool(false))
        #expect(try value("count(//a)", all: true) == .array([.number(3)]))
    }

    @Test func nanAndInfinityAreNull() throws {
        #expect(try value("number('x')") == .null)
        #expect(try value("1 div 0") == .null)
        #expect(try value("-1 div 0") == .null)
    }

    @Test func nothingMatched() throws {
        #expect(try value("//table") == .null)
        #expect(try value("//table", all: true) == .array([]))
    }

    @Test func documentOrderForUnions() throws {
        #expect(try value("//a[3] | //h1", all: true) == .array([.string("Hello world"), .string("Two")]))
    }

    @Test func templateContentsAreNotSearched() throws {
        #expect(try value("//a[@href='/hidden']") == .null)
        #expect(try value("count(//template/*)") == .number(0))
    }

    @Test func svgByPrefixAndByLocalName() throws {
        #expect(try value("//svg:circle/@r") == .string("5"))
        #expect(try value("//*[local-name()='circle']/@r") == .string("5"))
    }

    @Test func unknownFunctionIsNullNotACrashOrNoise() throws {
        #expect(try value("nosuch(1)") == .null)
        #expect(try value("//a[nosuch()]", all: true) == .array([]))
    }

    @Test func errorsFromLibxml2CarryAnOffset() throws {
        do {
            _ = try FieldSet(["x=xpath://a[@]"])
            Issue.record("compiled")
        } catch {
            #expect(error.kind == .invalidXPath)
            #expect(error.offset != nil)
        }
    }

    @Test func manyThreadsShareOneFieldSet() async throws {
        let extractor = PageExtractor(fields: try FieldSet(["n=xpath:count(//a)", "h=xpath://h1", "s=xpath:string(//title)"]), metadata: false)
        await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    let document = HandTree.document(head: [.el("title", [], [.text("T")])], body: [.el("h1", [], [.text("H")]), .el("a")])
                    for _ in 0..<200 {
                        let values = extractor.extract(from: document, url: "https://example.com/").fields.map(\.value)
                        if values != [.number(1), .string("H"), .string("T")] { return false }
                    }
                    return true
                }
            }
            for await ok in group { #expect(ok) }
        }
    }
}
