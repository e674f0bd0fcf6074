/// Reconstructing the active formatting elements and the adoption agency algorithm
/// (section 13.2.4.3 and the in-body rules' "adoption agency algorithm").
extension TreeBuilder {
    /// Pushes a formatting element the in-body rules just inserted onto the list.
    mutating func pushFormatting(_ element: OpenElement) {
        formatting.push(element, attributes: tokenizer.tag.attributes)
    }

    /// "Reconstruct the active formatting elements, if any". Only the entries that need
    /// recreating are visited (the last one being open ends it at once).
    mutating func reconstructFormatting() {
        guard formatting.count > 0 else { return }
        let last = formatting[formatting.count - 1]
        guard let lastElement = last.element, !open.contains(lastElement.node) else { return }
        var index = formatting.count - 1
        while index > 0 {
            guard let previous = formatting[index - 1].element, !open.contains(previous.node) else { break }
            index -= 1
        }
        while index < formatting.count {
            let entry = formatting[index]
            let element = recreate(entry)
            insertNode(element.node, at: appropriatePlace())
            open.push(element)
            formatting.replace(at: index, with: element)
            index += 1
        }
    }

    /// A new element for the token an entry's element was created for.
    private mutating func recreate(_ entry: ActiveFormattingElements.Entry) -> OpenElement {
        let old = entry.element!
        let node = createHTMLElement(old.name, Array(old.node.nameBytes), attributes: entry.attributes)
        return OpenElement(node: node, name: old.name, namespace: .html)
    }

    /// The adoption agency algorithm for an end tag named `subject` (or an `a`/`nobr`
    /// start tag's implied end tag). Returns false when the caller must act as for
    /// "any other end tag".
    mutating func adoptionAgency(_ subject: TagName) -> Bool {
        if currentNode.isHTML(subject), formatting.index(of: currentNode.node) == nil {
            open.pop()
            return true
        }
        for _ in 0..<8 {
            guard var formattingIndex = formatting.lastIndex(named: subject) else { return false }
            let formattingElement = formatting[formattingIndex].element!
            guard let stackIndex = open.index(of: formattingElement.node) else {
                formatting.remove(at: formattingIndex)
                return true
            }
            guard open.hasInScope(node: formattingElement.node) else { return true }
            var furthestIndex: Int?
            for index in (stackIndex + 1)..<open.count where isSpecial(open[index]) {
                furthestIndex = index
                break
            }
            guard var furthestBlockIndex = furthestIndex else {
                while open.count > stackIndex { open.pop() }
                formatting.remove(at: formattingIndex)
                return true
            }
            // From here nodes move: creation order is no longer document order.
            elementsInDocumentOrder = false
            let furthestBlock = open[furthestBlockIndex]
            let commonAncestor = open[stackIndex - 1]
            var bookmark = formattingIndex
            var nodeIndex = furthestBlockIndex
            var lastNode = furthestBlock
            var innerCounter = 0
            while true {
                innerCounter += 1
                nodeIndex -= 1
                var node = open[nodeIndex]
                if node.node == formattingElement.node { break }
                var listIndex = formatting.index(of: node.node)
                if innerCounter > 3, let index = listIndex {
                    formatting.remove(at: index)
                    if index < bookmark { bookmark -= 1 }
                    if index < formattingIndex { formattingIndex -= 1 }
                    listIndex = nil
                }
                guard let entryIndex = listIndex else {
                    open.remove(at: nodeIndex)
                    furthestBlockIndex -= 1
                    continue
                }
                let replacement = recreate(formatting[entryIndex])
                formatting.replace(at: entryIndex, with: replacement)
                open.replace(at: nodeIndex, with: replacement)
                node = replacement
                if lastNode.node == furthestBlock.node { bookmark = entryIndex + 1 }
                detach(lastNode.node)
                insertNode(lastNode.node, at: InsertionPlace(parent: node.node, before: nil))
                lastNode = node
            }
            detach(lastNode.node)
            insertNode(lastNode.node, at: appropriatePlace(overrideTarget: commonAncestor))
            let replacement = recreate(formatting[formattingIndex])
            flushText()
            document.moveChildren(of: furthestBlock.node, to: replacement.node)
            document.insert(replacement.node, into: furthestBlock.node, before: nil)
            // Into the list at the bookmark, in place of the formatting element.
            let entry = ActiveFormattingElements.Entry(element: replacement, attributes: formatting[formattingIndex].attributes)
            formatting.remove(at: formattingIndex)
            if formattingIndex < bookmark { bookmark -= 1 }
            formatting.insert(entry, at: bookmark)
            // Into the stack just below the furthest block, in place of the formatting element.
            open.remove(at: stackIndex)
            furthestBlockIndex -= 1
            open.insert(replacement, at: furthestBlockIndex + 1)
        }
        return true
    }
}
