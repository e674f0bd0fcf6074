@testable import ScrapeHTML
import Testing

/// Trees built by hand with the tree builder's own operations, so the field, XPath and
/// serializer tests do not depend on the parser: `.element("p", ["class": "x"], [.text("hi")])`.
indirect enum HandNode {
    case element(String, [(String, String)] = [], [HandNode] = [], namespace: DOMNamespace = .html, foreignAttributes: [(DOMNamespace, String, String)] = [], contents: [HandNode] = [])
    case text(String)
    case comment(String)

    static func el(_ name: String, _ attributes: [(String, String)] = [], _ children: [HandNode] = []) -> HandNode {
        .element(name, attributes, children)
    }
}

enum HandTree {
    /// A document `<html><head>head</head><body>body</body></html>`, finished as the tree builder finishes one.
    static func document(head: [HandNode] = [], body: [HandNode]) -> HTMLDocument {
        let document = HTMLDocument()
        build(.el("html", [], [.el("head", [], head), .el("body", [], body)]), into: document.document, document: document)
        document.finishBuilding()
        return document
    }

    /// The first element named `name` in tree order.
    static func first(_ name: String, in document: HTMLDocument) -> DOMNode? {
        var found: DOMNode?
        document.forEachElement { element in
            if element.name == name { found = element }
            return found == nil
        }
        return found
    }

    static func build(_ node: HandNode, into parent: DOMNode, document: HTMLDocument) {
        switch node {
        case let .element(name, attributes, children, namespace, foreign, contents):
            var new = attributes.map { HTMLDocument.NewAttribute(namespace: nil, localName: Array($0.0.utf8), value: Array($0.1.utf8)) }
            new += foreign.map { HTMLDocument.NewAttribute(namespace: $0.0, localName: Array($0.1.utf8), value: Array($0.2.utf8)) }
            let element = document.createElement(Array(name.utf8), namespace: namespace, attributes: new)
            document.insert(element, into: parent, before: nil)
            for child in children { build(child, into: element, document: document) }
            if let fragment = element.templateContents {
                for child in contents { build(child, into: fragment, document: document) }
            }
        case .text(let text):
            Array(text.utf8).withUnsafeBufferPointer { document.insertText($0, into: parent, before: nil) }
        case .comment(let data):
            document.insert(document.createComment(Array(data.utf8)), into: parent, before: nil)
        }
    }
}

/// The hand-built trees the field tests use are trees the tree builder could make.
struct FieldHandTreeTests {
    @Test func shapeAndTemplateContents() throws {
        let document = HandTree.document(body: [.text("a"), .text("b"), .element("template", [], [], contents: [.el("p")])])
        let body = try #require(HandTree.first("body", in: document))
        #expect(Array(body.children).count == 2)  // "ab" merged as the standard's "insert a character" does
        #expect(body.firstChild?.data == "ab")
        let template = try #require(HandTree.first("template", in: document))
        #expect(template.firstChild == nil)
        #expect(template.templateContents?.firstChild?.name == "p")
        #expect(HandTree.first("p", in: document) == nil)  // contents are not in the tree walk
    }
}
