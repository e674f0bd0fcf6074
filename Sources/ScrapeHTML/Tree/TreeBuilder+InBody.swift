import CLibXML2

/// The "in body" insertion mode (section 13.2.6.4.7), `select` and `option` included as
/// the standard parses them since customizable `select` (no "in select" mode).
///
/// One switch over tag names, as long as the standard's list; the pieces several rules
/// share (closing a `p`, implied end tags, "any other end tag") are below it.
extension TreeBuilder {
    mutating func bodyCharacters(_ text: UnsafeBufferPointer<UInt8>) {
        var hasContent = false
        var hasNonWhitespace = false
        for byte in text where byte != 0 {
            hasContent = true
            if !ASCII.isWhitespace(byte) { hasNonWhitespace = true; break }
        }
        guard hasContent else { return }
        reconstructFormatting()
        insertCharactersDroppingNulls(text)
        if hasNonWhitespace { framesetOK = false }
    }

    mutating func inBody(_ kind: HTMLTokenKind) {
        switch kind {
        case .comment:
            insertComment()
        case .doctype, .characters:
            return
        case .startTag:
            bodyStartTag()
        case .endTag:
            bodyEndTag()
        case .endOfFile:
            if !templateModes.isEmpty { inTemplate(kind) }
        }
    }

    private mutating func bodyStartTag() {
        switch tagName {
        case .html:
            guard !open.containsHTML(.template) else { return }
            addMissingAttributes(to: open[0].node)
        case .base, .basefont, .bgsound, .link, .meta, .noframes, .script, .style, .template, .title:
            inHead(.startTag)
        case .body:
            guard open.count > 1, open[1].isHTML(.body), !open.containsHTML(.template) else { return }
            framesetOK = false
            addMissingAttributes(to: open[1].node)
        case .frameset:
            guard open.count > 1, open[1].isHTML(.body), framesetOK else { return }
            discard(open[1].node)
            while open.count > 1 { open.pop() }
            insertHTMLElement()
            mode = .inFrameset
        case .address, .article, .aside, .blockquote, .center, .details, .dialog, .dir, .div, .dl, .fieldset,
             .figcaption, .figure, .footer, .header, .hgroup, .main, .menu, .nav, .ol, .p, .search, .section, .summary, .ul:
            closePInButtonScope()
            insertHTMLElement()
        case .h1, .h2, .h3, .h4, .h5, .h6:
            closePInButtonScope()
            if let current = open.current, current.isHTML, isHeading(current.name) { open.pop() }
            insertHTMLElement()
        case .pre, .listing:
            closePInButtonScope()
            insertHTMLElement()
            skipNextNewline = true
            framesetOK = false
        case .form:
            let templateOpen = open.containsHTML(.template)
            guard formElement == nil || templateOpen else { return }
            closePInButtonScope()
            let element = insertHTMLElement()
            if !templateOpen { formElement = element.node }
        case .li:
            framesetOK = false
            closeListItem(matching: [.li])
            closePInButtonScope()
            insertHTMLElement()
        case .dd, .dt:
            framesetOK = false
            closeListItem(matching: [.dd, .dt])
            closePInButtonScope()
            insertHTMLElement()
        case .plaintext:
            closePInButtonScope()
            insertHTMLElement()
            switchTokenizer(to: .plaintext)
        case .button:
            if open.hasInScope(.button) {
                generateImpliedEndTags()
                open.popUntil(.button)
            }
            reconstructFormatting()
            insertHTMLElement()
            framesetOK = false
        case .a:
            if let index = formatting.lastIndex(named: .a) {
                let node = formatting[index].element!.node
                if !adoptionAgency(.a) { anyOtherEndTag(.a) }
                formatting.remove(node)
                if let stackIndex = open.index(of: node) { open.remove(at: stackIndex) }
            }
            reconstructFormatting()
            pushFormatting(insertHTMLElement())
        case .b, .big, .code, .em, .font, .i, .s, .small, .strike, .strong, .tt, .u:
            reconstructFormatting()
            pushFormatting(insertHTMLElement())
        case .nobr:
            reconstructFormatting()
            if open.hasInScope(.nobr) {
                if !adoptionAgency(.nobr) { anyOtherEndTag(.nobr) }
                reconstructFormatting()
            }
            pushFormatting(insertHTMLElement())
        case .applet, .marquee, .object:
            reconstructFormatting()
            insertHTMLElement()
            formatting.pushMarker()
            framesetOK = false
        case .table:
            if document.mode != .quirks { closePInButtonScope() }
            insertHTMLElement()
            framesetOK = false
            mode = .inTable
        case .area, .br, .embed, .img, .keygen, .wbr:
            reconstructFormatting()
            insertHTMLElement()
            open.pop()
            framesetOK = false
        case .input:
            if let context, context.isHTML(.select) { return }
            if open.hasInScope(.select) { open.popUntil(.select) }
            reconstructFormatting()
            insertHTMLElement()
            open.pop()
            if !isHiddenInput() { framesetOK = false }
        case .param, .source, .track:
            insertHTMLElement()
            open.pop()
        case .hr:
            closePInButtonScope()
            if open.hasInScope(.select) { generateImpliedEndTags() }
            insertHTMLElement()
            open.pop()
            framesetOK = false
        case .image:
            reconstructFormatting()
            insertHTMLElement(.img, TagNameTable.bytes(of: .img), attributes: tokenizer.tag.attributes)
            open.pop()
            framesetOK = false
        case .textarea:
            insertHTMLElement()
            skipNextNewline = true
            switchTokenizer(to: .rcdata)
            originalMode = mode
            framesetOK = false
            mode = .text
        case .xmp:
            closePInButtonScope()
            reconstructFormatting()
            framesetOK = false
            parseText(.rawtext)
        case .iframe:
            framesetOK = false
            parseText(.rawtext)
        case .noembed:
            parseText(.rawtext)
        case .noscript where scripting:
            parseText(.rawtext)
        case .select:
            if let context, context.isHTML(.select) { return }
            if open.hasInScope(.select) {
                open.popUntil(.select)
                return
            }
            reconstructFormatting()
            insertHTMLElement()
            framesetOK = false
        case .option:
            if open.hasInScope(.select) {
                generateImpliedEndTags(except: .optgroup)
            } else if currentNode.isHTML(.option) {
                open.pop()
            }
            reconstructFormatting()
            insertHTMLElement()
        case .optgroup:
            if open.hasInScope(.select) {
                generateImpliedEndTags()
            } else if currentNode.isHTML(.option) {
                open.pop()
            }
            reconstructFormatting()
            insertHTMLElement()
        case .rb, .rtc:
            if open.hasInScope(.ruby) { generateImpliedEndTags() }
            insertHTMLElement()
        case .rp, .rt:
            if open.hasInScope(.ruby) { generateImpliedEndTags(except: .rtc) }
            insertHTMLElement()
        case .math:
            reconstructFormatting()
            insertForeignElement(.mathML)
        case .svg:
            reconstructFormatting()
            insertForeignElement(.svg)
        case .caption, .col, .colgroup, .frame, .head, .tbody, .td, .tfoot, .th, .thead, .tr:
            return
        default:
            reconstructFormatting()
            insertHTMLElement()
        }
    }

    private mutating func bodyEndTag() {
        switch tagName {
        case .template:
            inHead(.endTag)
        case .body:
            guard open.hasInScope(.body) else { return }
            mode = .afterBody
        case .html:
            guard open.hasInScope(.body) else { return }
            mode = .afterBody
            afterBody(.endTag)
        case .address, .article, .aside, .blockquote, .button, .center, .details, .dialog, .dir, .div, .dl, .fieldset,
             .figcaption, .figure, .footer, .header, .hgroup, .listing, .main, .menu, .nav, .ol, .pre, .search,
             .section, .summary, .ul, .select:
            guard open.hasInScope(tagName) else { return }
            generateImpliedEndTags()
            open.popUntil(tagName)
        case .form:
            if open.containsHTML(.template) {
                guard open.hasInScope(.form) else { return }
                generateImpliedEndTags()
                open.popUntil(.form)
            } else {
                let node = formElement
                formElement = nil
                guard let node, open.hasInScope(node: node) else { return }
                generateImpliedEndTags()
                if let index = open.index(of: node) { open.remove(at: index) }
            }
        case .p:
            if !open.hasInScope(.p, .button) { insertHTMLElement(.p) }
            closeP()
        case .li:
            guard open.hasInScope(.li, .listItem) else { return }
            generateImpliedEndTags(except: .li)
            open.popUntil(.li)
        case .dd, .dt:
            guard open.hasInScope(tagName) else { return }
            generateImpliedEndTags(except: tagName)
            open.popUntil(tagName)
        case .h1, .h2, .h3, .h4, .h5, .h6:
            guard open.hasAnyInScope(Self.headings) else { return }
            generateImpliedEndTags()
            open.popUntil(anyOf: Self.headings)
        case .a, .b, .big, .code, .em, .font, .i, .nobr, .s, .small, .strike, .strong, .tt, .u:
            if !adoptionAgency(tagName) { anyOtherEndTag(tagName) }
        case .applet, .marquee, .object:
            guard open.hasInScope(tagName) else { return }
            generateImpliedEndTags()
            open.popUntil(tagName)
            formatting.clearToLastMarker()
        case .br:
            reconstructFormatting()
            insertHTMLElement(.br)
            open.pop()
            framesetOK = false
        default:
            anyOtherEndTag(tagName)
        }
    }

    static let headings: [TagName] = [.h1, .h2, .h3, .h4, .h5, .h6]

    func isHeading(_ name: TagName) -> Bool {
        name == .h1 || name == .h2 || name == .h3 || name == .h4 || name == .h5 || name == .h6
    }

    /// The in-body "any other end tag" steps.
    mutating func anyOtherEndTag(_ name: TagName) {
        var index = open.count - 1
        while index >= 0 {
            let node = open[index]
            if node.isHTML(name) {
                generateImpliedEndTags(except: name)
                while open.count > index { open.pop() }
                return
            }
            if isSpecial(node) { return }
            index -= 1
        }
    }

    /// The `li`, `dd` and `dt` start tags' walk: closes the nearest open one unless a
    /// special element (other than `address`, `div`, `p`) comes first.
    private mutating func closeListItem(matching names: [TagName]) {
        var index = open.count - 1
        while index >= 0 {
            let node = open[index]
            if node.isHTML, names.contains(node.name) {
                generateImpliedEndTags(except: node.name)
                open.popUntil(node.name)
                return
            }
            if isSpecial(node), !(node.isHTML && (node.name == .address || node.name == .div || node.name == .p)) { return }
            index -= 1
        }
    }

    mutating func closePInButtonScope() {
        if open.hasInScope(.p, .button) { closeP() }
    }

    /// "Close a p element".
    mutating func closeP() {
        generateImpliedEndTags(except: .p)
        open.popUntil(.p)
    }

    /// "Generate implied end tags", optionally "except for" one name.
    mutating func generateImpliedEndTags(except exception: TagName? = nil) {
        while let current = open.current, current.isHTML, current.name != exception {
            switch current.name {
            case .dd, .dt, .li, .optgroup, .option, .p, .rb, .rp, .rt, .rtc: open.pop()
            default: return
            }
        }
    }

    /// "Generate all implied end tags thoroughly".
    mutating func generateAllImpliedEndTagsThoroughly() {
        while let current = open.current, current.isHTML {
            switch current.name {
            case .caption, .colgroup, .dd, .dt, .li, .optgroup, .option, .p, .rb, .rp, .rt, .rtc,
                 .tbody, .td, .tfoot, .th, .thead, .tr:
                open.pop()
            default: return
            }
        }
    }

    /// Adds the current tag's attributes that `element` lacks (`html` and `body` tags seen again).
    private mutating func addMissingAttributes(to element: DOMNode) {
        let attributes = tokenizer.tag.attributes
        guard !attributes.isEmpty else { return }
        // One set of the names it has, so a tag with many attributes stays linear.
        var present = Set(element.attributes.filter { $0.namespace == nil }.map { Array($0.localNameBytes) })
        var last = element.raw.pointee.properties
        while let next = last?.pointee.next { last = next }
        for attribute in attributes where present.insert(attribute.name).inserted {
            last = document.setAttribute(HTMLDocument.NewAttribute(namespace: nil, localName: attribute.name, value: attribute.value),
                                         on: element, after: last)
        }
    }

    /// Whether the current `input` tag has `type` = "hidden" (ASCII case-insensitively).
    func isHiddenInput() -> Bool {
        guard let type = tagAttribute("type") else { return false }
        return type.count == 6 && zip(type, "hidden".utf8).allSatisfy { ASCII.lowercased($0) == $1 }
    }

    /// Whether an element is in the standard's "special" category.
    func isSpecial(_ element: OpenElement) -> Bool {
        switch element.namespace {
        case .html:
            switch element.name {
            case .address, .applet, .area, .article, .aside, .base, .basefont, .bgsound, .blockquote, .body, .br,
                 .button, .caption, .center, .col, .colgroup, .dd, .details, .dir, .div, .dl, .dt, .embed,
                 .fieldset, .figcaption, .figure, .footer, .form, .frame, .frameset, .h1, .h2, .h3, .h4, .h5, .h6,
                 .head, .header, .hgroup, .hr, .html, .iframe, .img, .input, .keygen, .li, .link, .listing, .main,
                 .marquee, .menu, .meta, .nav, .noembed, .noframes, .noscript, .object, .ol, .p, .param, .plaintext,
                 .pre, .script, .search, .section, .source, .style, .summary, .table, .tbody, .td,
                 .template, .textarea, .tfoot, .th, .thead, .title, .tr, .track, .ul, .wbr, .xmp:
                return true
            default:
                return false
            }
        case .mathML:
            let name = element.name
            return name == .mi || name == .mo || name == .mn || name == .ms || name == .mtext || name == .annotationXML
        case .svg:
            return element.name == .foreignObject || element.name == .desc || element.name == .title
        default:
            return false
        }
    }
}
