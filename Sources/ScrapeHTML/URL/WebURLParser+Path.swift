/// The path state's segment handling (dot segments, drive letters) and the starts of the
/// query and fragment.
extension WebURLParser {
    /// Marks where the path begins; the URL's authority (if any) is complete.
    mutating func beginPath() {
        if pathStart >= 0 { return }
        if !hasHost {
            usernameEnd = schemeEnd + 1; passwordEnd = usernameEnd; hostStart = usernameEnd; hostEnd = usernameEnd; portEnd = usernameEnd
        }
        pathStart = out.count
    }

    /// Ends the segment being read: `.` and `..` (and their `%2e` spellings) are removed
    /// (`..` with the segment before it), leaving an empty last segment unless a `/` follows.
    mutating func endSegment(followedBySlash: Bool) {
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
    mutating func shortenPath() {
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
    func dotSegmentKind(_ start: Int, _ length: Int) -> Int {
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


    mutating func beginQuery() {
        beginPath()
        queryStart = out.count
        out.append(0x3F)
    }

    mutating func beginFragment() {
        beginPath()
        fragmentStart = out.count
        out.append(0x23)
    }
}
