/// The HTML standard's rules for a form's controls, as ``HTMLForm`` needs them: which
/// elements belong to a form, which are barred from it, and what entries each gives.
enum FormControl {
    /// The submittable elements (`object` and custom elements aside) whose form owner is
    /// `form`, in tree order.
    static func controls(of form: DOMNode, in document: HTMLDocument) -> [DOMNode] {
        var controls: [DOMNode] = []
        document.forEachElement { element in
            if isSubmittable(element), owner(of: element, in: document) == form { controls.append(element) }
            return true
        }
        return controls
    }

    static func isSubmittable(_ element: DOMNode) -> Bool {
        element.isHTML("input") || element.isHTML("button") || element.isHTML("select") || element.isHTML("textarea")
    }

    /// The element's form owner: the form its `form` attribute names by id (none when that
    /// id is not a form's), else its nearest `form` ancestor.
    static func owner(of element: DOMNode, in document: HTMLDocument) -> DOMNode? {
        if let id = element.attribute("form") {
            guard !id.isEmpty else { return nil }
            var named: DOMNode?
            document.forEachElement { candidate in
                if candidate.attribute("id") == id { named = candidate }
                return named == nil
            }
            return named.flatMap { $0.isHTML("form") ? $0 : nil }
        }
        var up = element.parentElement
        while let ancestor = up {
            if ancestor.isHTML("form") { return ancestor }
            up = ancestor.parentElement
        }
        return nil
    }

    /// An `input`'s type keyword, lowercased; `text` when missing or unknown to us (the
    /// types we treat differently are all listed in ``entries(of:)``).
    static func inputType(of input: DOMNode) -> String {
        input.attribute("type")?.lowercasedASCII ?? "text"
    }

    /// A `button`'s type: `submit` unless it says `reset` or `button`.
    private static func buttonType(of button: DOMNode) -> String {
        let type = button.attribute("type")?.lowercasedASCII ?? "submit"
        return type == "reset" || type == "button" ? type : "submit"
    }

    /// Buttons give an entry only as the submitter.
    static func isButton(_ element: DOMNode) -> Bool {
        if element.isHTML("button") { return true }
        guard element.isHTML("input") else { return false }
        return ["submit", "image", "reset", "button"].contains(inputType(of: element))
    }

    /// A button that submits its form: the first one in tree order is the default button.
    static func isSubmitButton(_ element: DOMNode) -> Bool {
        if element.isHTML("button") { return buttonType(of: element) == "submit" }
        return element.isHTML("input") && ["submit", "image"].contains(inputType(of: element))
    }

    /// Disabled by its own `disabled` attribute, or by a disabled `fieldset` ancestor
    /// unless the element is inside that fieldset's first `legend`.
    static func isDisabled(_ element: DOMNode) -> Bool {
        if element.attribute("disabled") != nil { return true }
        var child = element
        var up = element.parentElement
        while let ancestor = up {
            if ancestor.isHTML("fieldset"), ancestor.attribute("disabled") != nil {
                let firstLegend = ancestor.children.first { $0.isHTML("legend") }
                if firstLegend != child { return true }
            }
            child = ancestor
            up = ancestor.parentElement
        }
        return false
    }

    /// The submitter's entries: `name=value` (an image button gives `name.x` and `name.y`,
    /// at 0, 0); none when it has no name.
    static func submitterEntries(_ button: DOMNode) -> [HTMLForm.Entry] {
        let name = button.attribute("name") ?? ""
        if button.isHTML("input"), inputType(of: button) == "image" {
            let prefix = name.isEmpty ? "" : name + "."
            return [.init(name: prefix + "x", value: "0"), .init(name: prefix + "y", value: "0")]
        }
        guard !name.isEmpty else { return [] }
        return [.init(name: name, value: button.attribute("value") ?? "")]
    }

    /// The entries of a control that is not a button: none without a name.
    static func entries(of control: DOMNode) -> [HTMLForm.Entry] {
        guard let name = control.attribute("name"), !name.isEmpty else { return [] }
        if control.isHTML("select") {
            return selectedOptions(of: control).map { .init(name: name, value: optionValue($0)) }
        }
        if control.isHTML("textarea") {
            return [.init(name: name, value: control.textContent)]
        }
        switch inputType(of: control) {
        case "checkbox", "radio":
            guard control.attribute("checked") != nil else { return [] }
            return [.init(name: name, value: control.attribute("value") ?? "on")]
        case "file":
            // No file chosen: an empty file, which a urlencoded body sends as `name=`.
            return [.init(name: name, value: "")]
        case "hidden" where name.lowercasedASCII == "_charset_":
            return [.init(name: name, value: "UTF-8")]
        case "hidden":
            return [.init(name: name, value: control.attribute("value") ?? "")]
        default:
            // Text-like inputs' value sanitization removes line breaks.
            let value = control.attribute("value") ?? ""
            return [.init(name: name, value: String(value.unicodeScalars.filter { $0 != "\n" && $0 != "\r" }))]
        }
    }

    /// The options a `select` submits: its selected options that are not disabled. Those
    /// marked `selected` are selected (only the last of them without `multiple`); with none,
    /// a single-choice drop-down selects its first option that is not disabled, as a
    /// browser shows it.
    private static func selectedOptions(of select: DOMNode) -> [DOMNode] {
        var options: [DOMNode] = []
        for child in select.children {
            if child.isHTML("option") { options.append(child) }
            if child.isHTML("optgroup") { options += child.children.filter { $0.isHTML("option") } }
        }
        let isDisabled = { (option: DOMNode) in
            option.attribute("disabled") != nil || (option.parentElement.map { $0.isHTML("optgroup") && $0.attribute("disabled") != nil } ?? false)
        }
        var selected = options.filter { $0.attribute("selected") != nil }
        if select.attribute("multiple") == nil {
            let size = select.attribute("size").flatMap { Int($0.trimmingASCIIWhitespace) } ?? 1
            if let last = selected.last {
                selected = [last]
            } else if size <= 1, let first = options.first(where: { !isDisabled($0) }) {
                selected = [first]
            }
        }
        return selected.filter { !isDisabled($0) }
    }

    /// An option's value: its `value` attribute, else its text with whitespace collapsed.
    private static func optionValue(_ option: DOMNode) -> String {
        option.attribute("value") ?? option.collapsedTextContent
    }
}
