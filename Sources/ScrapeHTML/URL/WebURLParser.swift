/// The URL Standard's basic URL parser (without state override: no setters), writing the
/// serialization into one byte buffer as it goes.
///
/// One coherent state machine, so one file past the usual size (STYLE 6.3). The states and
/// their steps are the standard's, in its order; three places differ in form, not result:
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

    private let input: UnsafeBufferPointer<UInt8>
    private let base: WebURL?
    private let baseBytes: UnsafeBufferPointer<UInt8>
    private var out: [UInt8] = []
    private var scheme: URLScheme = .other
    private var schemeEnd = 0, usernameEnd = 0, passwordEnd = 0, hostStart = 0, hostEnd = 0, portEnd = 0
    private var pathStart = -1, queryStart = -1, fragmentStart = -1
    private var hasHost = false, hasOpaquePath = false
    /// Where the path segment being read starts (after its `/`), or nil between segments.
    private var segmentStart: Int?

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

    private mutating func run() -> WebURL? {
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

    // MARK: - Authority

    /// The authority, host and port states at once: from `start` (after the slashes) to the
    /// end of the authority, whose index is returned; nil on failure.
    private mutating func parseAuthority(from start: Int) -> Int? {
        let special = scheme.isSpecial
        var end = start
        var lastAt: Int?
        while end < input.count {
            let byte = input[end]
            if byte == 0x2F || byte == 0x3F || byte == 0x23 || (special && byte == 0x5C) { break }
            if byte == 0x40 { lastAt = end }
            end += 1
        }
        out.append(0x2F); out.append(0x2F)
        hasHost = true
        let usernameStart = out.count
        var hostFrom = start
        if let lastAt {
            if lastAt + 1 == end { return nil }
            var passwordToken = false
            for index in start..<lastAt {
                let byte = input[index]
                if byte == 0x3A, !passwordToken {
                    passwordToken = true
                    usernameEnd = out.count
                    out.append(0x3A)
                    continue
                }
                URLPercentEncodeSet.userinfo.append(byte, to: &out)
            }
            if !passwordToken { usernameEnd = out.count }
            passwordEnd = out.count
            if passwordToken, passwordEnd == usernameEnd + 1 {
                out.removeLast()
                passwordEnd = usernameEnd
            }
            if passwordEnd > usernameStart { out.append(0x40) }
            hostFrom = lastAt + 1
        } else {
            usernameEnd = out.count
            passwordEnd = out.count
        }
        hostStart = out.count
        var hostTo = hostFrom
        var insideBrackets = false
        while hostTo < end {
            let byte = input[hostTo]
            if byte == 0x3A, !insideBrackets { break }
            if byte == 0x5B { insideBrackets = true } else if byte == 0x5D { insideBrackets = false }
            hostTo += 1
        }
        if hostTo == hostFrom, special || hostTo < end { return nil }
        let host = UnsafeBufferPointer(rebasing: input[hostFrom..<hostTo])
        guard special ? URLHostParser.parseDomain(host, into: &out) : URLHostParser.parseOpaque(host, into: &out) else { return nil }
        hostEnd = out.count
        if hostTo < end {
            var port = 0
            for index in (hostTo + 1)..<end {
                let byte = input[index]
                guard byte >= 0x30, byte <= 0x39 else { return nil }
                port = port * 10 + Int(byte - 0x30)
                if port > 65535 { return nil }
            }
            if hostTo + 1 < end, port != scheme.defaultPort {
                out.append(0x3A)
                IPv4Address.appendDecimal(port, to: &out)
            }
        }
        portEnd = out.count
        return end
    }

    // MARK: - Paths

    /// Marks where the path begins; the URL's authority (if any) is complete.
    private mutating func beginPath() {
        if pathStart >= 0 { return }
        if !hasHost {
            usernameEnd = schemeEnd + 1; passwordEnd = usernameEnd; hostStart = usernameEnd; hostEnd = usernameEnd; portEnd = usernameEnd
        }
        pathStart = out.count
    }

    /// Ends the segment being read: `.` and `..` (and their `%2e` spellings) are removed
    /// (`..` with the segment before it), leaving an empty last segment unless a `/` follows.
    private mutating func endSegment(followedBySlash: Bool) {
        guard let start = segmentStart else { return }
        segmentStart = nil
        let length = out.count - start
        let dots = dotSegmentKind(start, length)
        if dots == 2 {
            out.removeSubrange((start - 1)...)
            shortenPath()
            if !followedBySlash { out.append(0x2F) }
        } else if dots == 1 {
            out.removeSubrange((start - 1)...)
            if !followedBySlash { out.append(0x2F) }
        } else if scheme == .file, start - 1 == pathStart, length == 2,
                  isWindowsDriveLetter(out[start], out[start + 1], normalized: false) {
            out[start + 1] = 0x3A
        }
    }

    /// Removes the path's last segment, except a file URL's lone drive letter.
    private mutating func shortenPath() {
        var lastSlash = out.count
        while lastSlash > pathStart {
            lastSlash -= 1
            if out[lastSlash] == 0x2F { break }
        }
        guard lastSlash >= pathStart, lastSlash < out.count, out[lastSlash] == 0x2F else { return }
        if scheme == .file, lastSlash == pathStart, out.count - pathStart == 3,
           isWindowsDriveLetter(out[pathStart + 1], out[pathStart + 2], normalized: true) {
            return
        }
        out.removeSubrange(lastSlash...)
    }

    /// 1 for `.` or `%2e`, 2 for `..`, `.%2e`, `%2e.` or `%2e%2e` (any case), else 0.
    private func dotSegmentKind(_ start: Int, _ length: Int) -> Int {
        let end = start + length
        func dot(_ at: Int) -> Int? {
            if at < end, out[at] == 0x2E { return 1 }
            if at + 3 <= end, out[at] == 0x25, out[at + 1] == 0x32, out[at + 2] | 0x20 == 0x65 { return 3 }
            return nil
        }
        guard length >= 1, length <= 6, let first = dot(start) else { return 0 }
        if first == length { return 1 }
        guard let second = dot(start + first), first + second == length else { return 0 }
        return 2
    }

    // MARK: - Query and fragment

    private mutating func beginQuery() {
        beginPath()
        queryStart = out.count
        out.append(0x3F)
    }

    private mutating func beginFragment() {
        beginPath()
        fragmentStart = out.count
        out.append(0x23)
    }

    // MARK: - Copying from the base URL

    private mutating func copySchemeOf(_ base: WebURL) {
        copyBytes(0, Int(base.schemeEnd) + 1)
        schemeEnd = Int(base.schemeEnd)
        scheme = base.schemeKind
    }

    /// Copies scheme, path and query of a base with an opaque path, up to `end`.
    private mutating func copyBase(through end: Int) {
        copyBytes(0, end)
        schemeEnd = Int(base!.schemeEnd)
        scheme = base!.schemeKind
        hasOpaquePath = true
        pathStart = Int(base!.pathStart)
        if base!.queryStart < base!.fragmentStart { queryStart = Int(base!.queryStart) }
        usernameEnd = schemeEnd + 1; passwordEnd = usernameEnd; hostStart = usernameEnd; hostEnd = usernameEnd; portEnd = usernameEnd
    }

    /// Username, password, host and port of `base` (which has the same scheme).
    private mutating func copyAuthorityOf(_ base: WebURL) {
        hasHost = base.hasHost
        if hasHost {
            copyBytes(Int(base.schemeEnd) + 1, Int(base.portEnd))
            usernameEnd = Int(base.usernameEnd); passwordEnd = Int(base.passwordEnd)
            hostStart = Int(base.hostStart); hostEnd = Int(base.hostEnd); portEnd = Int(base.portEnd)
        }
        beginPath()
    }

    /// The host of a file base, after this URL's `file://`.
    private mutating func copyHostOf(_ base: WebURL) {
        copyBytes(Int(base.hostStart), Int(base.hostEnd))
        hostEnd = out.count; portEnd = out.count
    }

    private mutating func copyBytes(_ start: Int, _ end: Int) {
        if start < end { out.append(contentsOf: UnsafeBufferPointer(rebasing: baseBytes[start..<end])) }
    }

    /// The index of the letter when the base's first path segment is a normalized drive
    /// letter (`/C:`).
    private func firstSegmentDriveLetter(of base: WebURL) -> Int? {
        let start = Int(base.pathStart), end = Int(base.queryStart)
        guard end - start >= 3, baseBytes[start] == 0x2F, isWindowsDriveLetter(baseBytes[start + 1], baseBytes[start + 2], normalized: true),
              end - start == 3 || baseBytes[start + 3] == 0x2F else { return nil }
        return start + 1
    }

    // MARK: - Finishing

    private mutating func finish() -> WebURL? {
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

    private func remaining(_ pointer: Int, startsWith byte: UInt8) -> Bool {
        pointer + 1 < input.count && input[pointer + 1] == byte
    }

    private func isSchemeCharacter(_ byte: UInt8) -> Bool {
        ASCII.isLetter(byte) || (byte >= 0x30 && byte <= 0x39) || byte == 0x2B || byte == 0x2D || byte == 0x2E
    }

    private func isFileHostEnd(_ byte: UInt8) -> Bool {
        byte == 0x2F || byte == 0x5C || byte == 0x3F || byte == 0x23
    }

    /// A letter and `:` (or `|` when not `normalized`).
    private func isWindowsDriveLetter(_ first: UInt8, _ second: UInt8, normalized: Bool) -> Bool {
        ASCII.isLetter(first) && (second == 0x3A || (!normalized && second == 0x7C))
    }

    /// The input from `pointer` starts with a drive letter followed by its end, `/`, `\`,
    /// `?` or `#`.
    private func startsWithWindowsDriveLetter(_ pointer: Int) -> Bool {
        guard input.count - pointer >= 2, isWindowsDriveLetter(input[pointer], input[pointer + 1], normalized: false) else { return false }
        if input.count - pointer == 2 { return true }
        let third = input[pointer + 2]
        return third == 0x2F || third == 0x5C || third == 0x3F || third == 0x23
    }
}
