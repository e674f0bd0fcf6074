import CLibXML2

/// An element on the stack of open elements (or in the list of active formatting
/// elements): the node, and what the rules ask of it without reading libxml2.
struct OpenElement {
    let node: DOMNode
    /// The token's name (lowercase, before SVG's case adjustment).
    let name: TagName
    let namespace: DOMNamespace

    /// Whether this is an HTML element named `name`.
    @inline(__always) func isHTML(_ name: TagName) -> Bool { namespace == .html && self.name == name }

    var isHTML: Bool { namespace == .html }
}

/// The kinds of "has an element in scope" the standard defines (section 13.2.4.2; "select
/// scope" went with the "in select" insertion mode).
enum ElementScope {
    case `default`
    case listItem
    case button
    case table
}

/// The stack of open elements (section 13.2.4.2), with the scope queries the rules ask.
///
/// Scope queries walk down from the top until the target or a boundary, as the standard
/// does; a count of open HTML elements per known name answers "not in scope" at once when
/// no such element is open, so a deep stack (100,000 nested `div`s each asking for a `p`
/// in button scope) stays linear. Membership ("is in the stack") is a flag on the libxml2
/// node (`extra`, unused in a tree libxml2 did not parse), so it is O(1) too.
struct OpenElements {
    private(set) var elements: [OpenElement] = []
    /// Set once the document has a `selectedcontent` element: from then on popped
    /// `option` elements are collected in ``poppedOptions`` (the standard's "option
    /// element popped" steps may copy them into it).
    var recordsPoppedOptions = false
    var poppedOptions: [DOMNode] = []
    /// Open HTML elements per known name id.
    private var counts = [Int32](repeating: 0, count: Int(TagName.firstDynamicID))

    var isEmpty: Bool { elements.isEmpty }
    var count: Int { elements.count }
    /// The current node (the bottommost; nil only before `html` is pushed and after EOF).
    var current: OpenElement? { elements.last }
    subscript(index: Int) -> OpenElement { elements[index] }

    mutating func push(_ element: OpenElement) {
        elements.append(element)
        remember(element)
    }

    private mutating func remember(_ element: OpenElement) {
        element.node.raw.pointee.extra |= Self.openFlag
        if element.namespace == .html, element.name.id < TagName.firstDynamicID { counts[Int(element.name.id)] += 1 }
    }

    mutating func insert(_ element: OpenElement, at index: Int) {
        elements.insert(element, at: index)
        remember(element)
    }

    @discardableResult
    mutating func pop() -> OpenElement {
        let element = elements.removeLast()
        forget(element)
        return element
    }

    mutating func remove(at index: Int) {
        forget(elements.remove(at: index))
    }

    /// Replaces the entry at `index` (the adoption agency swaps a node for its clone).
    mutating func replace(at index: Int, with element: OpenElement) {
        forget(elements[index])
        elements[index] = element
        remember(element)
    }

    private mutating func forget(_ element: OpenElement) {
        element.node.raw.pointee.extra &= ~Self.openFlag
        if recordsPoppedOptions, element.isHTML(.option) { poppedOptions.append(element.node) }
        if element.namespace == .html, element.name.id < TagName.firstDynamicID { counts[Int(element.name.id)] -= 1 }
    }

    private static let openFlag: UInt16 = 0x4000

    /// Whether `node` is on the stack.
    func contains(_ node: DOMNode) -> Bool { node.raw.pointee.extra & Self.openFlag != 0 }

    /// The index of `node` on the stack, searching from the top.
    func index(of node: DOMNode) -> Int? {
        guard contains(node) else { return nil }
        return elements.lastIndex { $0.node == node }
    }

    /// Whether an HTML element named `name` is open anywhere (known names only: always
    /// true for others, so callers fall back to a walk).
    func mayContain(_ name: TagName) -> Bool {
        name.id >= TagName.firstDynamicID || counts[Int(name.id)] > 0
    }

    /// Whether an HTML element named `name` is open, by the count (known names).
    func containsHTML(_ name: TagName) -> Bool {
        if name.id < TagName.firstDynamicID { return counts[Int(name.id)] > 0 }
        return elements.contains { $0.isHTML(name) }
    }

    // MARK: Scope

    /// "Has an element in scope" for an HTML element named `name`.
    func hasInScope(_ name: TagName, _ scope: ElementScope = .default) -> Bool {
        guard mayContain(name) else { return false }
        for element in elements.reversed() {
            if element.isHTML(name) { return true }
            if Self.isBoundary(element, of: scope) { return false }
        }
        return false
    }

    /// "Has an element in scope" for any HTML element named one of `names`.
    func hasAnyInScope(_ names: [TagName], _ scope: ElementScope = .default) -> Bool {
        guard names.contains(where: mayContain) else { return false }
        for element in elements.reversed() {
            if element.isHTML, names.contains(element.name) { return true }
            if Self.isBoundary(element, of: scope) { return false }
        }
        return false
    }

    /// "Has an element in scope" for one particular node (the adoption agency's
    /// formatting element).
    func hasInScope(node: DOMNode) -> Bool {
        guard contains(node) else { return false }
        for element in elements.reversed() {
            if element.node == node { return true }
            if Self.isBoundary(element, of: .default) { return false }
        }
        return false
    }

    static func isBoundary(_ element: OpenElement, of scope: ElementScope) -> Bool {
        let name = element.name
        switch element.namespace {
        case .html:
            switch scope {
            case .table: return name == .html || name == .table || name == .template
            case .default, .listItem, .button:
                switch name {
                case .applet, .caption, .html, .table, .td, .th, .marquee, .object, .template: return true
                case .ol, .ul: return scope == .listItem
                case .button: return scope == .button
                default: return false
                }
            }
        case .mathML:
            if scope == .table { return false }
            return name == .mi || name == .mo || name == .mn || name == .ms || name == .mtext || name == .annotationXML
        case .svg:
            if scope == .table { return false }
            return name == .foreignObject || name == .desc || name == .title
        default:
            return false
        }
    }

    // MARK: Popping

    /// Pops until an HTML element named `name` has been popped.
    mutating func popUntil(_ name: TagName) {
        while let element = elements.last {
            pop()
            if element.isHTML(name) { return }
        }
    }

    /// Pops until an HTML element named one of `names` has been popped.
    mutating func popUntil(anyOf names: [TagName]) {
        while let element = elements.last {
            pop()
            if element.isHTML, names.contains(element.name) { return }
        }
    }

    /// Pops until `node` has been popped.
    mutating func popUntil(node: DOMNode) {
        while let element = elements.last {
            pop()
            if element.node == node { return }
        }
    }

    /// Pops every element (the end of the parse), clearing the open flags.
    mutating func popAll() {
        while !elements.isEmpty { pop() }
    }
}
