/// The authority, host and port states of the basic URL parser.
extension WebURLParser {
    /// The authority, host and port states at once: from `start` (after the slashes) to the
    /// end of the authority, whose index is returned; nil on failure.
    mutating func parseAuthority(from start: Int) -> Int? {
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
}
