import CLibXML2
import Glibc

/// Writes a node as HTML by the HTML standard's fragment serialization algorithm
/// ("Serializing HTML fragments", as it stands today): what a browser's `outerHTML` gives,
/// and the value of the `::html` pseudo-element.
///
/// The rules, all from the standard:
/// - elements are written with their local name (HTML, SVG and MathML elements alike) and
///   their attributes in order; the foreign attributes the tree builder adjusted get their
///   prefix back (`xlink:href`, `xml:lang`, `xmlns:xlink`, `xmlns`);
/// - void elements (`br`, `img`, …) get no end tag and no content;
/// - a `template` element's contents are written as its children (the DOM keeps them
///   apart);
/// - text is escaped (`&`, NBSP, `<`, `>`) except in `style`, `script`, `xmp`, `iframe`,
///   `noembed`, `noframes`, `plaintext` and, with scripting on, `noscript`;
/// - attribute values escape `&`, NBSP, `"`, `<` and `>` (the `<`/`>` escaping is recent:
///   browsers shipped it in 2025);
/// - no leading newline is added to `pre`, `textarea` or `listing` (that rule was taken out of
///   the standard), comments are `<!--data-->`, a DOCTYPE is `<!DOCTYPE name>`, a processing
///   instruction `<?target data>`.
///
/// Iterative, with an explicit stack of open elements: a 100,000-deep tree cannot overflow
/// the thread's stack. Writes bytes into one buffer.
struct HTMLSerializer {
    /// Whether scripting was on when the document was parsed (it is for every document we
    /// parse, as in a browser): then `noscript` holds raw text.
    var scripting: Bool = true

    /// `node`'s outer HTML.
    func outerHTML(_ node: DOMNode) -> String {
        var output: [UInt8] = []
        write(node.raw, to: &output)
        return String(decoding: output, as: UTF8.self)
    }

    /// Appends `root` and everything under it.
    func write(_ root: xmlNodePtr, to output: inout [UInt8]) {
        var open: [xmlNodePtr] = []
        var next: xmlNodePtr? = root
        while let node = next {
            if node.pointee.type == XML_ELEMENT_NODE {
                writeStartTag(node, to: &output)
                if !Self.isVoid(node) {
                    open.append(node)
                    if let first = Self.children(of: node) {
                        next = first
                        continue
                    }
                }
            } else {
                writeLeaf(node, parent: open.last, to: &output)
            }
            next = advance(past: node, root: root, open: &open, output: &output)
        }
    }

    /// The node after `finished` (whose subtree is written) in serialization order,
    /// closing the elements that end on the way; nil once `root` is done.
    private func advance(past finished: xmlNodePtr, root: xmlNodePtr, open: inout [xmlNodePtr], output: inout [UInt8]) -> xmlNodePtr? {
        var node = finished
        while true {
            if open.last == node {
                open.removeLast()
                writeEndTag(node, to: &output)
            }
            if node == root { return nil }
            if let sibling = node.pointee.next { return sibling }
            guard let parent = open.last else { return nil }
            node = parent
        }
    }

    /// The nodes an element's serialization contains: a template's contents, else its children.
    private static func children(of element: xmlNodePtr) -> xmlNodePtr? {
        if let contents = DOMNode(element).templateContents { return contents.raw.pointee.children }
        return element.pointee.children
    }

    private func writeStartTag(_ element: xmlNodePtr, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "<"))
        Self.append(cString: element.pointee.name, to: &output)
        var attribute = element.pointee.properties
        while let current = attribute {
            output.append(UInt8(ascii: " "))
            if let record = current.pointee.ns, let prefix = record.pointee.prefix {
                // xmlns="…" itself is recorded in the xmlns namespace with local name xmlns.
                if xmlStrEqual(prefix, Self.xmlnsName.utf8Start) == 0 || xmlStrEqual(current.pointee.name, Self.xmlnsName.utf8Start) == 0 {
                    Self.append(cString: prefix, to: &output)
                    output.append(UInt8(ascii: ":"))
                }
            }
            Self.append(cString: current.pointee.name, to: &output)
            output.append(contentsOf: [UInt8(ascii: "="), UInt8(ascii: "\"")])
            if let text = current.pointee.children, let content = text.pointee.content {
                Self.escape(content, attributeMode: true, to: &output)
            }
            output.append(UInt8(ascii: "\""))
            attribute = current.pointee.next
        }
        output.append(UInt8(ascii: ">"))
    }

    private static let xmlnsName: StaticString = "xmlns"

    private func writeEndTag(_ element: xmlNodePtr, to output: inout [UInt8]) {
        output.append(contentsOf: [UInt8(ascii: "<"), UInt8(ascii: "/")])
        Self.append(cString: element.pointee.name, to: &output)
        output.append(UInt8(ascii: ">"))
    }

    /// Text, comments and DOCTYPEs; `parent` is the element whose children are being
    /// written (nil at the top, or inside a template's contents: not raw text).
    private func writeLeaf(_ node: xmlNodePtr, parent: xmlNodePtr?, to output: inout [UInt8]) {
        switch node.pointee.type {
        case XML_TEXT_NODE:
            guard let content = node.pointee.content else { return }
            if let parent, node.pointee.parent == parent, isRawTextParent(parent) {
                Self.append(cString: content, to: &output)
            } else {
                Self.escape(content, attributeMode: false, to: &output)
            }
        case XML_COMMENT_NODE:
            output.append(contentsOf: "<!--".utf8)
            if let content = node.pointee.content { Self.append(cString: content, to: &output) }
            output.append(contentsOf: "-->".utf8)
        case XML_PI_NODE:
            // Not made by today's tree builder; written as the standard says if one is.
            output.append(contentsOf: "<?".utf8)
            if let name = node.pointee.name { Self.append(cString: name, to: &output) }
            output.append(UInt8(ascii: " "))
            if let content = node.pointee.content { Self.append(cString: content, to: &output) }
            output.append(UInt8(ascii: ">"))
        case XML_DTD_NODE:
            output.append(contentsOf: "<!DOCTYPE ".utf8)
            if let name = node.pointee.name { Self.append(cString: name, to: &output) }
            output.append(UInt8(ascii: ">"))
        default:
            break
        }
    }

    /// Whether text in `element` is written as it is (the standard's list).
    private func isRawTextParent(_ element: xmlNodePtr) -> Bool {
        guard element.pointee.ns == nil, let name = element.pointee.name else { return false }
        if Self.rawTextElements.contains(name) { return true }
        return scripting && xmlStrEqual(name, Self.noscriptName.utf8Start) != 0
    }

    private static let rawTextElements = NameSet(["style", "script", "xmp", "iframe", "noembed", "noframes", "plaintext"])
    private static let noscriptName: StaticString = "noscript"

    /// Whether an element "serializes as void": an HTML element the standard lists.
    static func isVoid(_ element: xmlNodePtr) -> Bool {
        guard element.pointee.ns == nil, let name = element.pointee.name else { return false }
        return voidElements.contains(name)
    }

    private static let voidElements = NameSet([
        "area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr", "img", "input", "keygen",
        "link", "meta", "param", "source", "track", "wbr",
    ])

    /// A few element names, grouped by length so a lookup compares only same-length
    /// names (it runs for every element and text node serialized).
    private struct NameSet: Sendable {
        private let byLength: [[[UInt8]]]

        init(_ names: [StaticString]) {
            var groups = [[[UInt8]]](repeating: [], count: 16)
            for name in names {
                groups[name.utf8CodeUnitCount].append(Array(UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount)))
            }
            byLength = groups
        }

        func contains(_ name: UnsafePointer<UInt8>) -> Bool {
            let length = Int(xmlStrlen(name))
            guard length < byLength.count else { return false }
            for candidate in byLength[length] where memcmp(name, candidate, length) == 0 { return true }
            return false
        }
    }

    private static func append(cString: UnsafePointer<UInt8>, to output: inout [UInt8]) {
        output.append(contentsOf: UnsafeBufferPointer(start: cString, count: Int(xmlStrlen(cString))))
    }

    /// The standard's "escaping a string": `&` → `&amp;`, NBSP → `&nbsp;`, `<` → `&lt;`,
    /// `>` → `&gt;`, and in attribute mode `"` → `&quot;`. Unescaped runs are copied whole.
    static func escape(_ text: UnsafePointer<UInt8>, attributeMode: Bool, to output: inout [UInt8]) {
        let bytes = UnsafeBufferPointer(start: text, count: Int(xmlStrlen(text)))
        var runStart = 0
        var index = 0
        while index < bytes.count {
            let replacement: StaticString?
            var width = 1
            switch bytes[index] {
            case UInt8(ascii: "&"): replacement = "&amp;"
            case UInt8(ascii: "<"): replacement = "&lt;"
            case UInt8(ascii: ">"): replacement = "&gt;"
            case UInt8(ascii: "\"") where attributeMode: replacement = "&quot;"
            case 0xC2 where index + 1 < bytes.count && bytes[index + 1] == 0xA0:
                replacement = "&nbsp;"
                width = 2
            default: replacement = nil
            }
            if let replacement {
                output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                output.append(contentsOf: UnsafeBufferPointer(start: replacement.utf8Start, count: replacement.utf8CodeUnitCount))
                index += width
                runStart = index
            } else {
                index += 1
            }
        }
        output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
    }
}
