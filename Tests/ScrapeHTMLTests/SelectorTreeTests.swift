import Foundation
import Testing
@testable import ScrapeHTML

/// Builds documents for the selector tests from a small markup language, through the
/// tree builder's building API (the HTML parser lives on other branches): start and end
/// tags written out (void elements excepted), quoted or bare attribute values, text,
/// comments, `&amp;`-style references, `<template>` children into its contents, `svg` and `math` subtrees in their
/// namespaces with names as written. No implied tags: write what the tree should be, as
/// the Chromium-checked cases do (`Fixtures/make_selector_cases.py`).
enum SelectorTestTree {
    static let voidElements: Set<String> = ["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"]

    /// The document for `markup`; quirks mode unless it starts with `<!DOCTYPE html>`.
    static func document(_ markup: String) -> HTMLDocument {
        let document = HTMLDocument()
        let bytes = Array(markup.utf8)
        var position = 0
        let doctype = Array("<!DOCTYPE html>".utf8)
        if bytes.starts(with: doctype) {
            document.appendDoctype(name: Array("html".utf8), publicID: [], systemID: [])
            document.mode = .noQuirks
            position = doctype.count
        } else {
            document.mode = .quirks
        }
        var open: [DOMNode] = [document.document]
        func parent() -> DOMNode { open.last!.templateContents ?? open.last! }
        func starts(_ text: String) -> Bool { bytes[position...].starts(with: Array(text.utf8)) }
        func take(while condition: (UInt8) -> Bool) -> [UInt8] {
            let start = position
            while position < bytes.count && condition(bytes[position]) { position += 1 }
            return Array(bytes[start..<position])
        }
        func isSpace(_ byte: UInt8) -> Bool { ASCII.isWhitespace(byte) }
        while position < bytes.count {
            if starts("<!--") {
                position += 4
                var data: [UInt8] = []
                while position < bytes.count && !starts("-->") { data.append(bytes[position]); position += 1 }
                position += 3
                document.insert(document.createComment(data), into: parent(), before: nil)
            } else if starts("</") {
                position += 2
                let name = String(decoding: take { $0 != UInt8(ascii: ">") }, as: UTF8.self).lowercased()
                position += 1
                while open.count > 1 {
                    let closed = open.removeLast()
                    if closed.name.lowercased() == name { break }
                }
            } else if bytes[position] == UInt8(ascii: "<") {
                position += 1
                let written = take { !isSpace($0) && $0 != UInt8(ascii: ">") && $0 != UInt8(ascii: "/") }
                let lower = written.map(ASCII.lowercased)
                let outer = open.last!
                let namespace: DOMNamespace
                if outer.isElement && outer.namespace != .html && !(outer.namespace == .svg && outer.name == "foreignObject") {
                    namespace = outer.namespace
                } else if lower == Array("svg".utf8) {
                    namespace = .svg
                } else if lower == Array("math".utf8) {
                    namespace = .mathML
                } else {
                    namespace = .html
                }
                var attributes: [HTMLDocument.NewAttribute] = []
                var selfClosing = false
                while position < bytes.count && bytes[position] != UInt8(ascii: ">") {
                    _ = take(while: isSpace)
                    if starts("/") { selfClosing = true; position += 1; continue }
                    if starts(">") { break }
                    let name = take { !isSpace($0) && $0 != UInt8(ascii: "=") && $0 != UInt8(ascii: ">") && $0 != UInt8(ascii: "/") }
                    var value: [UInt8] = []
                    if starts("=") {
                        position += 1
                        if let quote = bytes.indices.contains(position) ? bytes[position] : nil, quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") {
                            position += 1
                            value = decoded(take { $0 != quote })
                            position += 1
                        } else {
                            value = take { !isSpace($0) && $0 != UInt8(ascii: ">") }
                        }
                    }
                    attributes.append(.init(namespace: nil, localName: namespace == .html ? name.map(ASCII.lowercased) : name, value: value))
                }
                position += 1
                let element = document.createElement(namespace == .html ? lower : written, namespace: namespace, attributes: attributes)
                document.insert(element, into: parent(), before: nil)
                if !selfClosing && !(namespace == .html && voidElements.contains(String(decoding: lower, as: UTF8.self))) {
                    open.append(element)
                }
            } else {
                let text = decoded(take { $0 != UInt8(ascii: "<") })
                text.withUnsafeBufferPointer { document.insertText($0, into: parent(), before: nil) }
            }
        }
        document.finishBuilding()
        return document
    }

    /// `&amp;`, `&lt;`, `&gt;` and `&quot;` decoded (the only references the cases use).
    static func decoded(_ bytes: [UInt8]) -> [UInt8] {
        var text = String(decoding: bytes, as: UTF8.self)
        for (reference, character) in [("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&amp;", "&")] {
            text = text.replacingOccurrences(of: reference, with: character)
        }
        return Array(text.utf8)
    }

    /// Every element in document order (template contents excluded), as
    /// `getElementsByTagName('*')` lists them.
    static func elements(of document: HTMLDocument) -> [DOMNode] {
        var found: [DOMNode] = []
        var stack: [DOMNode] = Array(document.document.children).reversed()
        while let node = stack.popLast() {
            guard node.isElement else { continue }
            found.append(node)
            stack.append(contentsOf: Array(node.children).reversed())
        }
        return found
    }

    /// The positions of `selected` in ``elements(of:)``.
    static func indexes(of selected: [DOMNode], in document: HTMLDocument) -> [Int] {
        let all = elements(of: document)
        var position: [DOMNode: Int] = [:]
        for (index, element) in all.enumerated() { position[element] = index }
        return selected.map { position[$0] ?? -1 }
    }
}

struct SelectorTreeTests {
    @Test func theMarkupBuildsTheTreeItSays() {
        let document = SelectorTestTree.document("<!DOCTYPE html><html><head></head><body><p CLASS=a>x<img src='i.png'>y</p><svg viewBox='0 0 1 1'><foreignObject><div></div></foreignObject></svg><template><b></b></template></body></html>")
        let names = SelectorTestTree.elements(of: document).map(\.name)
        #expect(names == ["html", "head", "body", "p", "img", "svg", "foreignObject", "div", "template"])
        let all = SelectorTestTree.elements(of: document)
        #expect(all[3].attribute("class") == "a")
        #expect(all[5].namespace == .svg && all[5].attribute("viewBox") == "0 0 1 1")
        #expect(all[7].namespace == .html)
        #expect(all[8].templateContents?.firstChild?.name == "b")
        #expect(document.mode == .noQuirks)
    }
}
