/// The html5lib tree-construction tests' notation for a parsed tree (`| <html>`,
/// `|   "text"`, `|   <svg svg>`, attributes sorted by name, `content` for template
/// contents): what the `.dat` fixtures' `#document` sections hold.
package func html5libDump(_ document: HTMLDocument) -> String {
    TreeDumper().dump(children: document.document)
}

/// The notation for a fragment parsed with ``HTMLParser/parseFragment(utf8:contextName:contextNamespace:scripting:)``:
/// the root `html` element's children at the top level.
package func html5libFragmentDump(_ document: HTMLDocument) -> String {
    guard let root = document.documentElement else { return "" }
    return TreeDumper().dump(children: root)
}

/// Walks a tree with an explicit stack (documents can nest 100,000 deep).
private struct TreeDumper {
    private enum Item {
        case node(DOMNode, depth: Int)
        case contents(DOMNode, depth: Int)
    }

    func dump(children parent: DOMNode) -> String {
        var out: [UInt8] = []
        var stack: [Item] = []
        pushChildren(of: parent, depth: 0, onto: &stack)
        while let item = stack.popLast() {
            switch item {
            case let .contents(fragment, depth):
                line(depth, &out)
                out.append(contentsOf: "content".utf8)
                out.append(0x0A)
                pushChildren(of: fragment, depth: depth + 1, onto: &stack)
            case let .node(node, depth):
                line(depth, &out)
                write(node, depth: depth, to: &out)
                if let contents = node.templateContents {
                    // Contents come after the element's own children, which a template never has here.
                    pushChildren(of: node, depth: depth + 1, onto: &stack)
                    stack.append(.contents(contents, depth: depth + 1))
                } else {
                    pushChildren(of: node, depth: depth + 1, onto: &stack)
                }
            }
        }
        if out.last == 0x0A { out.removeLast() }
        return String(decoding: out, as: UTF8.self)
    }

    private func pushChildren(of parent: DOMNode, depth: Int, onto stack: inout [Item]) {
        var child = parent.lastChild
        while let node = child {
            stack.append(.node(node, depth: depth))
            child = node.previousSibling
        }
    }

    private func line(_ depth: Int, _ out: inout [UInt8]) {
        out.append(contentsOf: "| ".utf8)
        out.append(contentsOf: repeatElement(0x20, count: depth * 2))
    }

    private func write(_ node: DOMNode, depth: Int, to out: inout [UInt8]) {
        switch node.kind {
        case .doctype:
            out.append(contentsOf: "<!DOCTYPE ".utf8)
            out.append(contentsOf: node.name.utf8)
            let publicID = node.publicID
            let systemID = node.systemID
            if !publicID.isEmpty || !systemID.isEmpty {
                out.append(contentsOf: " \"\(publicID)\" \"\(systemID)\"".utf8)
            }
            out.append(contentsOf: ">\n".utf8)
        case .text:
            out.append(0x22)
            out.append(contentsOf: node.dataBytes)
            out.append(contentsOf: "\"\n".utf8)
        case .comment:
            out.append(contentsOf: "<!-- ".utf8)
            out.append(contentsOf: node.dataBytes)
            out.append(contentsOf: " -->\n".utf8)
        case .element:
            out.append(0x3C)
            if let prefix = node.namespace.prefix {
                out.append(contentsOf: prefix.utf8)
                out.append(0x20)
            }
            out.append(contentsOf: node.nameBytes)
            out.append(contentsOf: ">\n".utf8)
            var attributes: [(name: String, value: String)] = node.attributes.map { attribute in
                let name = attribute.namespace.map { ($0.prefix ?? "") + " " + attribute.localName } ?? attribute.localName
                return (name, attribute.value)
            }
            attributes.sort { $0.name < $1.name }
            for attribute in attributes {
                line(depth + 1, &out)
                out.append(contentsOf: "\(attribute.name)=\"\(attribute.value)\"\n".utf8)
            }
        case .document, .fragment:
            out.append(0x0A)
        }
    }
}
