/// Copying the base URL's components, as byte runs of its serialization, for relative
/// references: the scheme, the authority, the host of a file URL, the path, the query.
extension WebURLParser {
    mutating func copySchemeOf(_ base: WebURL) {
        copyBytes(0, Int(base.schemeEnd) + 1)
        schemeEnd = Int(base.schemeEnd)
        scheme = base.schemeKind
    }

    /// Copies scheme, path and query of a base with an opaque path, up to `end`.
    mutating func copyBase(through end: Int) {
        copyBytes(0, end)
        schemeEnd = Int(base!.schemeEnd)
        scheme = base!.schemeKind
        hasOpaquePath = true
        pathStart = Int(base!.pathStart)
        if base!.queryStart < base!.fragmentStart { queryStart = Int(base!.queryStart) }
        usernameEnd = schemeEnd + 1; passwordEnd = usernameEnd; hostStart = usernameEnd; hostEnd = usernameEnd; portEnd = usernameEnd
    }

    /// Username, password, host and port of `base` (which has the same scheme).
    mutating func copyAuthorityOf(_ base: WebURL) {
        hasHost = base.hasHost
        if hasHost {
            copyBytes(Int(base.schemeEnd) + 1, Int(base.portEnd))
            usernameEnd = Int(base.usernameEnd); passwordEnd = Int(base.passwordEnd)
            hostStart = Int(base.hostStart); hostEnd = Int(base.hostEnd); portEnd = Int(base.portEnd)
        }
        beginPath()
    }

    /// The host of a file base, after this URL's `file://`.
    mutating func copyHostOf(_ base: WebURL) {
        copyBytes(Int(base.hostStart), Int(base.hostEnd))
        hostEnd = out.count; portEnd = out.count
    }

    mutating func copyBytes(_ start: Int, _ end: Int) {
        if start < end { out.append(contentsOf: UnsafeBufferPointer(rebasing: baseBytes[start..<end])) }
    }

    /// The index of the letter when the base's first path segment is a normalized drive
    /// letter (`/C:`).
    func firstSegmentDriveLetter(of base: WebURL) -> Int? {
        let start = Int(base.pathStart), end = Int(base.queryStart)
        guard end - start >= 3, baseBytes[start] == 0x2F, isWindowsDriveLetter(baseBytes[start + 1], baseBytes[start + 2], normalized: true),
              end - start == 3 || baseBytes[start + 3] == 0x2F else { return nil }
        return start + 1
    }
}
