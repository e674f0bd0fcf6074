/// A `<form>` as a browser submits it: where to (`action`), how (`method`, `enctype`),
/// and the entry list the HTML standard builds from its controls ("constructing the entry
/// list"): hidden inputs (CSRF tokens) as the page has them, checked boxes, selected
/// options, textareas, and the default button as the submitter, as when a user presses
/// Enter in a field or clicks the first submit button.
///
/// Logins (`login.form`) find the page's form with ``find(in:url:selector:)``, fill it
/// (``fill(_:)``) and send ``submission``.
///
/// Differences from a browser, on purpose or for want of a need: controls are the form's
/// descendants and the elements whose `form` attribute names its `id` (a control the parser
/// associated with a form it is not inside, as in `<form><table><tr><td><input>`, is not
/// seen); a file input is sent empty; scripts do not run, so fields a script would add must
/// be given in `login.form`. Where Chromium and the standard differ, we do as Chromium: a
/// control inside a `<datalist>` is submitted (the standard bars it).
public struct HTMLForm: Sendable, Equatable {
    /// The form's method (`method`, or the submitter's `formmethod`).
    public enum Method: String, Sendable, Equatable {
        case get = "GET"
        case post = "POST"
    }

    /// How the entries are encoded (`enctype`, or the submitter's `formenctype`).
    public enum Encoding: String, Sendable, Equatable {
        case urlEncoded = "application/x-www-form-urlencoded"
        case multipart = "multipart/form-data"
        case plainText = "text/plain"
    }

    /// One name-value pair of the entry list.
    public struct Entry: Sendable, Equatable {
        public var name: String
        public var value: String

        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// The absolute URL the form submits to: `action` (or the submitter's `formaction`)
    /// resolved against the document's base URL; the document's own URL when empty.
    public var action: String
    public var method: Method
    public var encoding: Encoding
    /// The entries, in tree order.
    public var entries: [Entry]
    /// The names of the form's `<input type=password>` controls: a login fills them only
    /// from secrets.
    public var passwordNames: Set<String>

    public init(action: String, method: Method, encoding: Encoding, entries: [Entry], passwordNames: Set<String> = []) {
        self.action = action
        self.method = method
        self.encoding = encoding
        self.entries = entries
        self.passwordNames = passwordNames
    }
}

extension HTMLForm {
    /// Why no form could be taken from a page.
    public enum FindError: Error, Equatable, CustomStringConvertible {
        /// The page is not HTML (its `Content-Type`).
        case notHTML(contentType: String)
        /// No element matches the selector, or what matches is not a `<form>`.
        case noMatch(selector: String)
        case notAForm(selector: String, element: String)
        /// No selector was given and no form has a password input.
        case noPasswordForm

        public var description: String {
            switch self {
            case .notHTML(let type): "the page is not HTML (Content-Type: \(type))"
            case .noMatch(let selector): "no element matches form_selector \"\(selector)\""
            case .notAForm(let selector, let element): "form_selector \"\(selector)\" matches a <\(element)>, not a <form>"
            case .noPasswordForm: "the page has no form with a password input (name the form with form_selector)"
            }
        }
    }

    /// The form of a response body: the first element `selector` matches, or, without one,
    /// the first form in tree order with an `<input type=password>`.
    ///
    /// - Parameters:
    ///   - body: the response body, already decompressed.
    ///   - contentType: its `Content-Type` (a missing one counts as HTML).
    ///   - url: the response's final URL: the document's URL.
    public static func find(body: [UInt8], contentType: String?, url: String, selector: CSSSelector?) throws(FindError) -> HTMLForm {
        guard let document = HTMLDocument.parse(body: body, contentType: contentType) else { throw .notHTML(contentType: contentType ?? "") }
        return try find(in: document, url: url, selector: selector)
    }

    /// ``find(body:contentType:url:selector:)`` on a parsed document.
    public static func find(in document: HTMLDocument, url: String, selector: CSSSelector?) throws(FindError) -> HTMLForm {
        let form: DOMNode
        if let selector {
            guard let element = selector.first(in: document) else { throw .noMatch(selector: selector.text) }
            guard element.isHTML("form") else { throw .notAForm(selector: selector.text, element: element.name) }
            form = element
        } else {
            var found: DOMNode?
            document.forEachElement { element in
                if element.isHTML("input"), FormControl.inputType(of: element) == "password",
                   let owner = FormControl.owner(of: element, in: document) {
                    found = owner
                }
                return found == nil
            }
            guard let found else { throw .noPasswordForm }
            form = found
        }
        return HTMLForm(form: form, in: document, url: url)
    }

    /// Builds the form's entry list and target with its default button as the submitter.
    init(form: DOMNode, in document: HTMLDocument, url: String) {
        let controls = FormControl.controls(of: form, in: document)
        let submitter = controls.first { FormControl.isSubmitButton($0) }
        var entries: [Entry] = []
        var passwords = Set<String>()
        for control in controls where !FormControl.isDisabled(control) {
            if FormControl.isButton(control) {
                guard control == submitter else { continue }
                entries += FormControl.submitterEntries(control)
                continue
            }
            if control.isHTML("input"), FormControl.inputType(of: control) == "password", let name = control.attribute("name"), !name.isEmpty {
                passwords.insert(name)
            }
            entries += FormControl.entries(of: control)
        }
        let base = document.baseURL(responseURL: url)
        let actionText = submitter?.attribute("formaction") ?? form.attribute("action") ?? ""
        let trimmed = actionText.trimmingASCIIWhitespace
        let action = trimmed.isEmpty ? url : (WebURL(trimmed, base: base).map(\.href) ?? url)
        let methodText = (submitter?.attribute("formmethod") ?? form.attribute("method") ?? "").lowercasedASCII
        let encodingText = (submitter?.attribute("formenctype") ?? form.attribute("enctype") ?? "").lowercasedASCII
        self.init(
            action: action,
            method: methodText == "post" ? .post : .get,
            encoding: Encoding(rawValue: encodingText) ?? .urlEncoded,
            entries: entries,
            passwordNames: passwords)
    }
}

extension String {
    /// The string without leading and trailing ASCII whitespace (HTML's "strip").
    var trimmingASCIIWhitespace: String {
        let bytes = Array(utf8)
        guard let first = bytes.firstIndex(where: { !ASCII.isWhitespace($0) }),
              let last = bytes.lastIndex(where: { !ASCII.isWhitespace($0) }) else { return "" }
        return String(decoding: bytes[first...last], as: UTF8.self)
    }

    /// ASCII letters lowercased, the rest as is (HTML's enumerated attribute values).
    var lowercasedASCII: String {
        String(decoding: utf8.map(ASCII.lowercased), as: UTF8.self)
    }
}
