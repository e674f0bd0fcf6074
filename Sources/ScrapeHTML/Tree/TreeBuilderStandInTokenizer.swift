// TEMPORARY stand-in for the tokenizer helper's HTMLTokenizer (deleted at the merge).
struct HTMLTokenizer {
    enum State { case data, rcdata, rawtext, scriptData, plaintext }
    var state: State = .data
    var allowsCDATA = false
    var tag = HTMLTag()
    var text: [UInt8] = []
    var doctype = HTMLDoctype()
    private var input: [UInt8]
    private var pos = 0
    private var lastStartTag: [UInt8] = []
    private var pending: HTMLTokenKind?

    init(input: UnsafeBufferPointer<UInt8>) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(input.count)
        var i = 0
        while i < input.count {
            if input[i] == 0x0D {
                bytes.append(0x0A)
                if i + 1 < input.count, input[i + 1] == 0x0A { i += 1 }
            } else { bytes.append(input[i]) }
            i += 1
        }
        self.input = bytes
    }

    private func at(_ i: Int) -> UInt8? { i < input.count ? input[i] : nil }
    private func isAlpha(_ b: UInt8?) -> Bool { b.map(ASCII.isLetter) ?? false }

    private func startsWithCI(_ s: String, at i: Int) -> Bool {
        var j = i
        for c in s.utf8 { guard let b = at(j), ASCII.lowercased(b) == c else { return false }; j += 1 }
        return true
    }

    mutating func next() -> HTMLTokenKind {
        if let p = pending { pending = nil; return p }
        text.removeAll(keepingCapacity: true)
        guard pos < input.count else { return .endOfFile }
        switch state {
        case .plaintext:
            text.append(contentsOf: input[pos...]); pos = input.count; return .characters
        case .rcdata, .rawtext, .scriptData:
            while pos < input.count {
                if input[pos] == 0x3C, at(pos + 1) == 0x2F, endTagMatches(at: pos + 2) {
                    if !text.isEmpty { return .characters }
                    pos += 2
                    state = .data
                    return tagToken(end: true)
                }
                if state == .rcdata, input[pos] == 0x26 { charRef(); continue }
                if input[pos] == 0 { text.append(contentsOf: [0xEF, 0xBF, 0xBD]); pos += 1; continue }
                text.append(input[pos]); pos += 1
            }
            return .characters
        case .data:
            break
        }
        while pos < input.count {
            let b = input[pos]
            if b == 0x3C {
                let n = at(pos + 1)
                if isAlpha(n) || n == 0x2F || n == 0x21 || n == 0x3F {
                    if !text.isEmpty { return .characters }
                    return markup()
                }
            }
            if b == 0x26 { charRef(); continue }
            text.append(b); pos += 1
        }
        return .characters
    }

    private func endTagMatches(at i: Int) -> Bool {
        guard !lastStartTag.isEmpty else { return false }
        for (k, c) in lastStartTag.enumerated() { guard let b = at(i + k), ASCII.lowercased(b) == c else { return false } }
        guard let after = at(i + lastStartTag.count) else { return false }
        return ASCII.isWhitespace(after) || after == 0x2F || after == 0x3E
    }

    private mutating func charRef() {
        // pos at '&'
        var j = pos + 1
        if at(j) == 0x23 {
            j += 1
            var hex = false
            if at(j) == 0x78 || at(j) == 0x58 { hex = true; j += 1 }
            var v: UInt32 = 0; var digits = 0
            while let b = at(j) {
                if b >= 0x30 && b <= 0x39 { v = v &* (hex ? 16 : 10) &+ UInt32(b - 0x30) }
                else if hex, (b | 0x20) >= 0x61 && (b | 0x20) <= 0x66 { v = v &* 16 &+ UInt32((b | 0x20) - 0x61 + 10) }
                else { break }
                digits += 1; j += 1
            }
            if digits == 0 { text.append(0x26); pos += 1; return }
            if at(j) == 0x3B { j += 1 }
            let scalar = Unicode.Scalar(v) ?? "\u{FFFD}"
            text.append(contentsOf: Array(String(Character(v == 0 ? "\u{FFFD}" : scalar)).utf8))
            pos = j
            return
        }
        var name: [UInt8] = []
        var best: (Int, [Unicode.Scalar])?
        while let b = at(j), name.count < 33, ASCII.isLetter(b) || (b >= 0x30 && b <= 0x39) || b == 0x3B {
            name.append(b); j += 1
            if let s = NamedCharacterReferences.lookup(name) { best = (j, s) }
            if b == 0x3B { break }
        }
        if let (end, scalars) = best {
            var s = String.UnicodeScalarView(); s.append(contentsOf: scalars)
            text.append(contentsOf: Array(String(s).utf8)); pos = end
        } else { text.append(0x26); pos += 1 }
    }

    private mutating func markup() -> HTMLTokenKind {
        let n = input[pos + 1]
        if n == 0x21 {
            if at(pos + 2) == 0x2D, at(pos + 3) == 0x2D { pos += 4; return comment() }
            if startsWithCI("doctype", at: pos + 2) { pos += 9; return doctypeToken() }
            if allowsCDATA, startsWithCI("[CDATA[", at: pos + 2) {
                pos += 9
                while pos < input.count, !(input[pos] == 0x5D && at(pos + 1) == 0x5D && at(pos + 2) == 0x3E) { text.append(input[pos]); pos += 1 }
                pos = min(pos + 3, input.count)
                return text.isEmpty ? next() : .characters
            }
            pos += 2; return bogusComment()
        }
        if n == 0x3F { pos += 1; return bogusComment() }
        if n == 0x2F {
            if isAlpha(at(pos + 2)) { pos += 2; return tagToken(end: true) }
            if at(pos + 2) == 0x3E { pos += 3; return next() }
            pos += 2; return bogusComment()
        }
        pos += 1
        return tagToken(end: false)
    }

    private mutating func bogusComment() -> HTMLTokenKind {
        while pos < input.count, input[pos] != 0x3E { text.append(input[pos] == 0 ? 0xEF : input[pos]); pos += 1 }
        pos += 1
        return .comment
    }

    private mutating func comment() -> HTMLTokenKind {
        if at(pos) == 0x3E { pos += 1; return .comment }
        if at(pos) == 0x2D, at(pos + 1) == 0x3E { pos += 2; return .comment }
        while pos < input.count {
            if input[pos] == 0x2D, at(pos + 1) == 0x2D, at(pos + 2) == 0x3E { pos += 3; return .comment }
            if input[pos] == 0x2D, at(pos + 1) == 0x2D, at(pos + 2) == 0x21, at(pos + 3) == 0x3E { pos += 4; return .comment }
            text.append(input[pos]); pos += 1
        }
        if text.last == 0x2D { text.removeLast(); if text.last == 0x2D { text.removeLast() } }
        return .comment
    }

    private mutating func doctypeToken() -> HTMLTokenKind {
        doctype = HTMLDoctype()
        while let b = at(pos), ASCII.isWhitespace(b) { pos += 1 }
        var name: [UInt8] = []
        while let b = at(pos), !ASCII.isWhitespace(b), b != 0x3E { name.append(ASCII.lowercased(b)); pos += 1 }
        if name.isEmpty { doctype.forceQuirks = true } else { doctype.name = name }
        while let b = at(pos), ASCII.isWhitespace(b) { pos += 1 }
        func quoted(_ t: inout HTMLTokenizer) -> [UInt8]? {
            while let b = t.at(t.pos), ASCII.isWhitespace(b) { t.pos += 1 }
            guard let q = t.at(t.pos), q == 0x22 || q == 0x27 else { t.doctype.forceQuirks = true; return nil }
            t.pos += 1
            var v: [UInt8] = []
            while let b = t.at(t.pos), b != q { if b == 0x3E { t.doctype.forceQuirks = true; return v }; v.append(b); t.pos += 1 }
            t.pos += 1
            return v
        }
        if startsWithCI("public", at: pos) {
            pos += 6
            doctype.publicID = quoted(&self)
            while let b = at(pos), ASCII.isWhitespace(b) { pos += 1 }
            if let b = at(pos), b == 0x22 || b == 0x27 { doctype.systemID = quoted(&self) }
        } else if startsWithCI("system", at: pos) {
            pos += 6
            doctype.systemID = quoted(&self)
        }
        while let b = at(pos), b != 0x3E { pos += 1 }
        if pos >= input.count { doctype.forceQuirks = true }
        pos += 1
        return .doctype
    }

    private mutating func tagToken(end: Bool) -> HTMLTokenKind {
        tag = HTMLTag()
        while let b = at(pos), !ASCII.isWhitespace(b), b != 0x2F, b != 0x3E {
            tag.name.append(b == 0 ? 0xEF : ASCII.lowercased(b)); pos += 1
        }
        while pos < input.count {
            let b = input[pos]
            if ASCII.isWhitespace(b) { pos += 1; continue }
            if b == 0x3E { pos += 1; break }
            if b == 0x2F { pos += 1; if at(pos) == 0x3E { tag.selfClosing = true }; continue }
            var name: [UInt8] = [ASCII.lowercased(b)]
            pos += 1
            while let c = at(pos), !ASCII.isWhitespace(c), c != 0x2F, c != 0x3E, c != 0x3D { name.append(ASCII.lowercased(c)); pos += 1 }
            while let c = at(pos), ASCII.isWhitespace(c) { pos += 1 }
            var value: [UInt8] = []
            if at(pos) == 0x3D {
                pos += 1
                while let c = at(pos), ASCII.isWhitespace(c) { pos += 1 }
                if let q = at(pos), q == 0x22 || q == 0x27 {
                    pos += 1
                    let saved = text; text = []
                    while let c = at(pos), c != q { if c == 0x26 { charRef() } else { text.append(c); pos += 1 } }
                    value = text; text = saved
                    pos += 1
                } else {
                    let saved = text; text = []
                    while let c = at(pos), !ASCII.isWhitespace(c), c != 0x3E { if c == 0x26 { charRef() } else { text.append(c); pos += 1 } }
                    value = text; text = saved
                }
            }
            if !tag.attributes.contains(where: { $0.name == name }) { tag.attributes.append(HTMLAttribute(name: name, value: value)) }
        }
        if pos > input.count { pos = input.count }
        if end { return .endTag }
        lastStartTag = tag.name
        return .startTag
    }
}
