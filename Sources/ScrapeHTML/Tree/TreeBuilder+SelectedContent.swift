/// Customizable `select`'s `selectedcontent` (HTML standard, the `option` element's
/// "popped" steps and "maybe clone an option into selectedcontent"): when an `option`
/// leaves the stack of open elements and it is its `select`'s selected option, its
/// children are copied into the `select`'s first `selectedcontent`.
///
/// Run after the token that popped the options (not in the middle of it): the copy made
/// last is the one that stays, as when each is made at once. Selectedness is the
/// parse-time rule: the last option with a `selected` attribute, else the first option.
extension TreeBuilder {
    mutating func copyPoppedOptionsIntoSelectedContent() {
        let options = open.poppedOptions
        open.poppedOptions.removeAll()
        flushText()
        for option in options {
            guard let select = nearestSelect(of: option), !document.hasAttribute(Self.multiple, on: select),
                  let (selectedContent, selected) = selectedContentAndOption(in: select), selected == option else { continue }
            document.replaceChildren(of: selectedContent, withCopiesOfChildrenOf: option)
            elementsInDocumentOrder = false
        }
    }

    private static let multiple: [UInt8] = Array("multiple".utf8)
    private static let selected: [UInt8] = Array("selected".utf8)

    /// The option's nearest ancestor `select`, unless a `datalist`, `hr` or `option` comes first.
    private func nearestSelect(of option: DOMNode) -> DOMNode? {
        var ancestor = option.parentElement
        while let node = ancestor {
            if node.isHTML("select") { return node }
            if node.isHTML("datalist") || node.isHTML("hr") || node.isHTML("option") { return nil }
            ancestor = node.parentElement
        }
        return nil
    }

    /// The select's first `selectedcontent` descendant and its selected option, in one walk.
    private func selectedContentAndOption(in select: DOMNode) -> (DOMNode, DOMNode)? {
        var selectedContent: DOMNode?
        var first: DOMNode?
        var lastSelected: DOMNode?
        var stack: [DOMNode] = select.children.reversed()
        while let node = stack.popLast() {
            guard node.isElement else { continue }
            if node.isHTML("selectedcontent"), selectedContent == nil { selectedContent = node }
            if node.isHTML("option") {
                if first == nil { first = node }
                if document.hasAttribute(Self.selected, on: node) { lastSelected = node }
            }
            if node.isHTML("select") || node.isHTML("datalist") { continue }
            stack.append(contentsOf: node.children.reversed())
        }
        guard let selectedContent, let option = lastSelected ?? first else { return nil }
        return (selectedContent, option)
    }
}
