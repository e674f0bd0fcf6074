import CLibXML2
import Foundation
@testable import ScrapeHTML
import Testing

/// One test of the html5lib tree-construction `.dat` notation: `#data` (the input),
/// `#errors` (not checked: we do not report parse errors), optional
/// `#document-fragment` (the context element, "td" or "svg path"), `#script-off` /
/// `#script-on`, and `#document` (the expected tree, in ``html5libDump(_:)``'s notation).
struct TreeConstructionCase: CustomTestStringConvertible, Sendable {
    var file: String
    var index: Int
    var data: String
    var document: String
    var fragmentContext: String?
    var scriptingOff = false

    var testDescription: String { "\(file)#\(index): \(data.prefix(60))" }

    /// Parses the input as the case asks and dumps the tree.
    func actualDump() -> String {
        var bytes = Array(data.utf8)
        return bytes.withUnsafeMutableBufferPointer { buffer in
            let input = UnsafeBufferPointer(buffer)
            if let context = fragmentContext {
                let parts = context.split(separator: " ", maxSplits: 1).map(String.init)
                let (namespace, name): (DOMNamespace, String) = parts.count == 2
                    ? (parts[0] == "svg" ? .svg : .mathML, parts[1])
                    : (.html, parts[0])
                let fragment = HTMLParser.parseFragment(utf8: input, contextName: name, contextNamespace: namespace, scripting: !scriptingOff)
                return html5libFragmentDump(fragment)
            }
            return html5libDump(HTMLParser.parse(utf8: input, scripting: !scriptingOff))
        }
    }

    private static let headers: Set<String> = ["#errors", "#new-errors", "#document", "#document-fragment", "#script-off", "#script-on"]

    /// The cases of one `.dat` file.
    static func load(_ url: URL) -> [TreeConstructionCase] {
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return [] }
        var lines = text.components(separatedBy: "\n")
        if lines.last == "" { lines.removeLast() }
        var cases: [TreeConstructionCase] = []
        var index = 0
        var section = ""
        var sections: [String: [String]] = [:]
        var flags: Set<String> = []
        func finish() {
            guard let data = sections["#data"] else { return }
            var document = sections["#document"] ?? []
            while document.last == "" { document.removeLast() }
            var fragment = sections["#document-fragment"]?.first
            if fragment?.isEmpty == true { fragment = nil }
            cases.append(TreeConstructionCase(file: url.lastPathComponent, index: cases.count, data: data.joined(separator: "\n"),
                                              document: document.joined(separator: "\n"), fragmentContext: fragment,
                                              scriptingOff: flags.contains("#script-off")))
            sections = [:]
            flags = []
        }
        while index < lines.count {
            let line = lines[index]
            let startsTest = line == "#data" && (index == 0 || lines[index - 1] == "")
            if startsTest {
                if sections["#data"] != nil {
                    // The blank separator line belongs to no section.
                    if var last = sections[section], last.last == "" { last.removeLast(); sections[section] = last }
                    finish()
                }
                section = "#data"
                sections[section] = []
            } else if section != "#document", Self.headers.contains(line) {
                section = line
                if line == "#script-off" || line == "#script-on" { flags.insert(line) }
                sections[section] = []
            } else {
                sections[section, default: []].append(line)
            }
            index += 1
        }
        finish()
        return cases
    }
}

/// Whether the document's elements carry increasing XPath order numbers in document
/// order (the tree builder numbers them as it inserts them and falls back to libxml2's
/// walk once nodes move; this checks it never keeps numbers that are out of order).
func elementNumbersFollowDocumentOrder(_ document: HTMLDocument) -> Bool {
    var last = 0
    var stack: [DOMNode] = [document.document]
    while let node = stack.popLast() {
        if node.isElement {
            let number = -Int(bitPattern: node.raw.pointee.content)
            guard number > last else { return false }
            last = number
        }
        var child = node.lastChild
        while let current = child {
            stack.append(current)
            child = current.previousSibling
        }
    }
    return true
}

extension TreeConstructionCase {
    /// The document the case parses (documents only: fragments are numbered by the walk).
    func parsedDocument() -> HTMLDocument {
        var bytes = Array(data.utf8)
        return bytes.withUnsafeMutableBufferPointer { HTMLParser.parse(utf8: UnsafeBufferPointer($0), scripting: !scriptingOff) }
    }
}
