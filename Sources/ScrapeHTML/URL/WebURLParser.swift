/// The URL Standard's basic URL parser (without state override: no setters), writing the
/// serialization into one byte buffer as it goes.
///
/// The states and their steps are the standard's, in its order (`run()` is one switch: a
/// state machine read side by side with the standard); the authority, path and base-copying
/// steps are in `WebURLParser+Authority`, `+Path` and `+Base`. Three places differ in form,
/// not result:
/// - the authority, host and port states look ahead to the end of the authority instead of
///   buffering and rewinding (the userinfo is everything before the last `@`);
/// - a path segment is written to the output as it is read and removed again when it turns
///   out to be `.` or `..` (shortening the path is truncating to the previous `/`);
/// - the components of the base URL are copied as byte runs of its serialization.
/// Input is the UTF-8 of the string: every decision is on ASCII bytes, and a non-ASCII code
/// point's bytes are percent-encoded together, which is UTF-8 percent-encoding.
struct WebURLParser: ~Copyable {
    private enum State {
        case schemeStart, scheme, noScheme, specialRelativeOrAuthority, pathOrAuthority, relative, relativeSlash
        case specialAuthoritySlashes, specialAuthorityIgnoreSlashes, authority, file, fileSlash, fileHost
        case pathStart, path, opaquePath, query, fragment
    }

    let input: UnsafeBufferPointer<UInt8>
    let base: WebURL?
    let baseBytes: UnsafeBufferPointer<UInt8>
    var out: [UInt8] = []
    var scheme: URLScheme = .other
    var schemeEnd = 0, usernameEnd = 0, passwordEnd = 0, hostStart = 0, hostEnd = 0, portEnd = 0
    var pathStart = -1, queryStart = -1, fragmentStart = -1
    var hasHost = false, hasOpaquePath = false
    /// Where the path segment being read starts (after its `/`), or nil between segments.
    var segmentStart: Int?

    static func parse(_ string: String, base: WebURL?) -> WebURL? {
        var string = string
        return string.withUTF8 { raw in
            var baseString = base?.serialization ?? ""
            return baseString.withUTF8 { baseBytes in
                let cleaned = Self.clean(raw)
                if let cleaned {
                    return cleaned.withUnsafeBufferPointer { input in
                        var parser = WebURLParser(input: input, base: base, baseBytes: baseBytes)
                        return parser.run()
                    }
                }
                var parser = WebURLParser(input: Self.trimmed(raw), base: base, baseBytes: baseBytes)
                return parser.run()
            }
        }
    }

    private init(input: UnsafeBufferPointer<UInt8>, base: WebURL?, baseBytes: UnsafeBufferPointer<UInt8>) {
        self.input = input
        self.base = base
        self.baseBytes = baseBytes
        out.reserveCapacity(input.count + baseBytes.count + 8)
    }

    /// The input without leading and trailing C0 controls and spaces.
    private static func trimmed(_ raw: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        var start = 0, end = raw.count
        while start < end, raw[start] <= 0x20 { start += 1 }
        while end > start, raw[end - 1] <= 0x20 { end -= 1 }
        return UnsafeBufferPointer(rebasing: raw[start..<end])
    }

    /// A copy without tabs and newlines, or nil when there are none (the common case).
    private static func clean(_ raw: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        let trimmed = trimmed(raw)
        guard trimmed.contains(where: { $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) else { return nil }
        return trimmed.filter { $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }
    }

    // MARK: - The state machine

    mutating func run() -> WebURL? {
        var state = State.schemeStart
        var pointer = 0
        let count = input.count
        while true {
            let c: Int = pointer < count ? Int(input[pointer]) : -1
            switch state {
            case .schemeStart:
                if c >= 0, ASCII.isLetter(UInt8(c)) {
                    state = .scheme
                    continue    // the scheme state reads this letter again
                }
                state = .noScheme
                continue
            case .scheme:
                if c >= 0, isSchemeCharacter(UInt8(c)) {
                    out.append(ASCII.lowercased(UInt8(c)))
                } else if c == 0x3A {
                    schemeEnd = out.count
                    scheme = out.withUnsafeBufferPointer { URLScheme(lowercased: $0) }
                    out.append(0x3A)
                    if scheme == .file {
                        state = .file
                    } else if scheme.isSpecial, let base, base.schemeKind == scheme {
                        state = .specialRelativeOrAuthority
                    } else if scheme.isSpecial {
                        state = .specialAuthoritySlashes
                    } else if remaining(pointer, startsWith: 0x2F) {
                        state = .pathOrAuthority
                        pointer += 1
                    } else {
                        hasOpaquePath = true
                        beginPath()
                        state = .opaquePath
                    }
                } else {
                    out.removeAll(keepingCapacity: true)
                    state = .noScheme
                    pointer = 0
                    continue
                }
            case .noScheme:
                guard let base, !base.hasOpaquePath || c == 0x23 else { return nil }
                if base.hasOpaquePath {
                    copyBase(through: Int(base.fragmentStart))
                    beginFragment()
                    state = .fragment
                } else if base.schemeKind != .file {
                    state = .relative
                    continue
                } else {
                    state = .file
                    continue
                }
            case .specialRelativeOrAuthority:
                if c == 0x2F, remaining(pointer, startsWith: 0x2F) {
                    state = .specialAuthorityIgnoreSlashes
                    pointer += 1
                } else {
                    state = .relative
                    continue
                }
            case .pathOrAuthority:
                if c == 0x2F {
                    state = .authority
                } else {
                    beginPath()
                    state = .path
                    continue
                }
            case .relative:
                let base = base!
                if out.isEmpty { copySchemeOf(base) }
                if c == 0x2F || (scheme.isSpecial && c == 0x5C) {
                    state = .relativeSlash
                } else {
                    copyAuthorityOf(base)
                    copyBytes(Int(base.pathStart), Int(base.queryStart))
                    if c == 0x3F {
                        beginQuery()
                        state = .query
                    } else if c == 0x23 {
                        copyBytes(Int(base.queryStart), Int(base.fragmentStart))
                        if base.queryStart < base.fragmentStart { queryStart = out.count - Int(base.fragmentStart - base.queryStart) }
                        beginFragment()
                        state = .fragment
                    } else if c >= 0 {
                        shortenPath()
                        state = .path
                        continue
                    } else {
                        copyBytes(Int(base.queryStart), Int(base.fragmentStart))
                        if base.queryStart < base.fragmentStart { queryStart = out.count - Int(base.fragmentStart - base.queryStart) }
                    }
                }
            case .relativeSlash:
                if scheme.isSpecial, c == 0x2F || c == 0x5C {
                    state = .specialAuthorityIgnoreSlashes
                } else if c == 0x2F {
                    state = .authority
                } else {
                    copyAuthorityOf(base!)
                    state = .path
                    continue
                }
            case .specialAuthoritySlashes:
                if c == 0x2F, remaining(pointer, startsWith: 0x2F) {
                    state = .specialAuthorityIgnoreSlashes
                    pointer += 1
                } else {
                    state = .specialAuthorityIgnoreSlashes
                    continue
                }
            case .specialAuthorityIgnoreSlashes:
                if c != 0x2F, c != 0x5C {
                    state = .authority
                    continue
                }
            case .authority:
                guard let end = parseAuthority(from: pointer) else { return nil }
                pointer = end
                state = .pathStart
                continue
            case .file:
                if out.isEmpty { out.append(contentsOf: "file:".utf8); schemeEnd = 4 }
                scheme = .file
                out.append(0x2F); out.append(0x2F)
                hasHost = true
                usernameEnd = out.count; passwordEnd = out.count; hostStart = out.count; hostEnd = out.count; portEnd = out.count
                if c == 0x2F || c == 0x5C {
                    state = .fileSlash
                } else if let base, base.schemeKind == .file {
                    copyHostOf(base)
                    beginPath()
                    copyBytes(Int(base.pathStart), Int(base.queryStart))
                    if c == 0x3F {
                        beginQuery()
                        state = .query
                    } else if c == 0x23 {
                        copyBytes(Int(base.queryStart), Int(base.fragmentStart))
                        if base.queryStart < base.fragmentStart { queryStart = out.count - Int(base.fragmentStart - base.queryStart) }
                        beginFragment()
                        state = .fragment
                    } else if c >= 0 {
                        if !startsWithWindowsDriveLetter(pointer) {
                            shortenPath()
                        } else {
                            out.removeSubrange(pathStart...)
                        }
                        state = .path
                        continue
                    } else {
                        copyBytes(Int(base.queryStart), Int(base.fragmentStart))
                        if base.queryStart < base.fragmentStart { queryStart = out.count - Int(base.fragmentStart - base.queryStart) }
                    }
                } else {
                    beginPath()
                    state = .path
                    continue
                }
            case .fileSlash:
                if c == 0x2F || c == 0x5C {
                    state = .fileHost
                } else {
                    if let base, base.schemeKind == .file {
                        copyHostOf(base)
                        beginPath()
                        if !startsWithWindowsDriveLetter(pointer), let drive = firstSegmentDriveLetter(of: base) {
                            out.append(0x2F)
                            out.append(baseBytes[drive])
                            out.append(0x3A)
                        }
                    }
                    beginPath()
                    state = .path
                    continue
                }
            case .fileHost:
                var end = pointer
                while end < count, !isFileHostEnd(input[end]) { end += 1 }
                if end - pointer == 2, isWindowsDriveLetter(input[pointer], input[pointer + 1], normalized: false) {
                    // The drive-letter quirk: `file://C:/x` is a path, not a host.
                    beginPath()
                    out.append(0x2F)
                    segmentStart = out.count
                    out.append(input[pointer])
                    out.append(input[pointer + 1])
                    pointer = end
                    state = .path
                    continue
                }
                if end > pointer {
                    let start = out.count
                    guard URLHostParser.parseDomain(UnsafeBufferPointer(rebasing: input[pointer..<end]), into: &out) else { return nil }
                    if out.count - start == 9, out[start...].elementsEqual("localhost".utf8) { out.removeSubrange(start...) }
                    hostEnd = out.count; portEnd = out.count
                }
                pointer = end
                state = .pathStart
                continue
            case .pathStart:
                beginPath()
                if scheme.isSpecial {
                    state = .path
                    if c != 0x2F, c != 0x5C { continue }
                } else if c == 0x3F {
                    beginQuery()
                    state = .query
                } else if c == 0x23 {
                    beginFragment()
                    state = .fragment
                } else if c >= 0 {
                    state = .path
                    if c != 0x2F { continue }
                }
            case .path:
                let isSlash = c == 0x2F || (scheme.isSpecial && c == 0x5C)
                if segmentStart == nil {
                    out.append(0x2F)
                    segmentStart = out.count
                }
                if c < 0 || isSlash || c == 0x3F || c == 0x23 {
                    endSegment(followedBySlash: isSlash)
                    if c == 0x3F {
                        beginQuery()
                        state = .query
                    } else if c == 0x23 {
                        beginFragment()
                        state = .fragment
                    }
                } else {
                    URLPercentEncodeSet.path.append(UInt8(c), to: &out)
                }
            case .opaquePath:
                if c == 0x3F {
                    beginQuery()
                    state = .query
                } else if c == 0x23 {
                    beginFragment()
                    state = .fragment
                } else if c == 0x20 {
                    if remaining(pointer, startsWith: 0x3F) || remaining(pointer, startsWith: 0x23) {
                        out.append(0x25); out.append(0x32); out.append(0x30)
                    } else {
                        out.append(0x20)
                    }
                } else if c >= 0 {
                    URLPercentEncodeSet.c0Control.append(UInt8(c), to: &out)
                }
            case .query:
                if c == 0x23 {
                    beginFragment()
                    state = .fragment
                } else if c >= 0 {
                    (scheme.isSpecial ? URLPercentEncodeSet.specialQuery : .query).append(UInt8(c), to: &out)
                }
            case .fragment:
                if c >= 0 { URLPercentEncodeSet.fragment.append(UInt8(c), to: &out) }
            }
            if c < 0 { break }
            pointer += 1
        }
        return finish()
    }

    // MARK: - Finishing

    mutating func finish() -> WebURL? {
        beginPath()
        if fragmentStart < 0 { fragmentStart = out.count }
        if queryStart < 0 { queryStart = fragmentStart }
        // A hostless URL whose path starts with an empty segment gets `/.` so that the path
        // is not read back as an authority.
        if !hasHost, !hasOpaquePath, queryStart - pathStart >= 2, out[pathStart] == 0x2F, out[pathStart + 1] == 0x2F {
            out.insert(contentsOf: [0x2F, 0x2E], at: pathStart)
            pathStart += 2; queryStart += 2; fragmentStart += 2
        }
        return WebURL(serialization: String(decoding: out, as: UTF8.self), schemeEnd: schemeEnd, usernameEnd: usernameEnd,
                      passwordEnd: passwordEnd, hostStart: hostStart, hostEnd: hostEnd, portEnd: portEnd, pathStart: pathStart,
                      queryStart: queryStart, fragmentStart: fragmentStart, schemeKind: scheme, hasHost: hasHost,
                      hasOpaquePath: hasOpaquePath)
    }

    // MARK: - Code point classes

    func remaining(_ pointer: Int, startsWith byte: UInt8) -> Bool {
        pointer + 1 < input.count && input[pointer + 1] == byte
    }

    func isSchemeCharacter(_ byte: UInt8) -> Bool {
        ASCII.isLetter(byte) || (byte >= 0x30 && byte <= 0x39) || byte == 0x2B || byte == 0x2D || byte == 0x2E
    }

    func isFileHostEnd(_ byte: UInt8) -> Bool {
        byte == 0x2F || byte == 0x5C || byte == 0x3F || byte == 0x23
    }

    /// A letter and `:` (or `|` when not `normalized`).
    func isWindowsDriveLetter(_ first: UInt8, _ second: UInt8, normalized: Bool) -> Bool {
        ASCII.isLetter(first) && (second == 0x3A || (!normalized && second == 0x7C))
    }

    /// The input from `pointer` starts with a drive letter followed by its end, `/`, `\`,
    /// `?` or `#`.
    func startsWithWindowsDriveLetter(_ pointer: Int) -> Bool {
        guard input.count - pointer >= 2, isWindowsDriveLetter(input[pointer], input[pointer + 1], normalized: false) else { return false }
        if input.count - pointer == 2 { return true }
        let third = input[pointer + 2]
        return third == 0x2F || third == 0x5C || third == 0x3F || third == 0x23
    }
}
