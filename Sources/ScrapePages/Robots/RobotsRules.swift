public import ScrapeCore
import ScrapeBase

/// The rules of one robots.txt (RFC 9309) that apply to one user agent.
///
/// Parsing keeps only the groups for our product token (merged, as the RFC says), or the
/// `*` group when none names us; a UTF-8 byte order mark at the start is skipped.
/// Matching: the longest matching `Allow`/`Disallow` pattern wins, `Allow` on a tie; `*`
/// matches any run of characters and a final `$` anchors the end; `/robots.txt` itself is
/// always allowed. Patterns and paths are compared in one percent-encoded form (RFC 9309
/// §2.2.2, see ``canonical(_:)``), so `/foo/bar/ツ` and `/foo/bar/%E3%83%84` match.
public struct RobotsRules: Sendable, Equatable {
    /// Why robots.txt could not be had, when the rules are "disallow all" for that reason:
    /// the error the URLs of the origin carry instead of `robots_disallowed`.
    public struct Unavailable: Sendable, Equatable {
        /// The failed fetch's own kind: `connect`, `timeout`, `dns`, `tls`, `transport`, or `http`.
        public let kind: ErrorKind
        /// The robots.txt status, for kind `http` (429 or 5xx).
        public let status: Int?
        public let message: String

        public init(kind: ErrorKind, status: Int? = nil, message: String) {
            self.kind = kind
            self.status = status
            self.message = message
        }
    }

    struct Rule: Sendable, Equatable {
        let allow: Bool
        let pattern: [UInt8]
    }

    private let rules: [Rule]
    /// `Crawl-delay` of the matched group, when it had a valid one.
    public let crawlDelay: Duration?
    private let disallowAll: Bool
    /// Set when everything is disallowed because robots.txt could not be fetched.
    public let unavailable: Unavailable?

    /// Everything allowed (no robots.txt, or a 4xx for it).
    public static let allowAll = RobotsRules(rules: [], crawlDelay: nil, disallowAll: false)

    /// Nothing allowed because robots.txt could not be fetched (unreachable, 429 or 5xx:
    /// RFC 9309 §2.3.1.4 says to assume complete disallow); `why` is what the URLs say.
    public static func disallowAll(because why: Unavailable) -> RobotsRules {
        RobotsRules(rules: [], crawlDelay: nil, disallowAll: true, unavailable: why)
    }

    private init(rules: [Rule], crawlDelay: Duration?, disallowAll: Bool, unavailable: Unavailable? = nil) {
        self.rules = rules
        self.crawlDelay = crawlDelay
        self.disallowAll = disallowAll
        self.unavailable = unavailable
    }

    /// Parses `text` for the crawler whose product token is `userAgent` (e.g. `scrape`).
    /// At most the first 512 KiB are read, as the RFC allows.
    public init(parsing text: String, userAgent: String) {
        let token = userAgent.lowercased()
        var ours: [Rule] = [], star: [Rule] = []
        var oursDelay: Duration?, starDelay: Duration?
        var groupAgents: [String] = []
        var inRules = false
        var namesUs = false
        var bytes = text.utf8.prefix(512 * 1024)[...]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        for rawLine in bytes.split(whereSeparator: { $0 == 0x0A || $0 == 0x0D }) {
            var line = Substring(decoding: rawLine, as: UTF8.self)
            if let hash = line.firstIndex(of: "#") { line = line[..<hash] }
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon].trimmingCharacters(in: " \t").lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: " \t")
            switch key {
            case "user-agent", "useragent", "user agent":
                if inRules {
                    groupAgents = []
                    inRules = false
                }
                let agent = Self.productToken(value[...])
                groupAgents.append(agent)
                if agent == token { namesUs = true }
            case "allow", "disallow":
                inRules = true
                guard !value.isEmpty else { continue }  // an empty Disallow allows everything
                let rule = Rule(allow: key == "allow", pattern: Self.canonical(Array(value.utf8)))
                if groupAgents.contains(token) { ours.append(rule) }
                if groupAgents.contains("*") { star.append(rule) }
            case "crawl-delay":
                inRules = true
                guard let seconds = Double(value), seconds >= 0, seconds < 86_400 else { continue }
                if groupAgents.contains(token) { oursDelay = .milliseconds(Int64(seconds * 1000)) }
                if groupAgents.contains("*") { starDelay = .milliseconds(Int64(seconds * 1000)) }
            default:
                continue  // sitemap and unknown lines do not end a group
            }
        }
        // A group that names us wins over `*`, even an empty one.
        self.init(rules: namesUs ? ours : star, crawlDelay: namesUs ? oursDelay : starDelay, disallowAll: false)
    }

    /// Whether `path` (path and query, as sent on the request line) may be fetched.
    public func allows(_ path: String) -> Bool {
        if disallowAll { return path == "/robots.txt" }
        if path == "/robots.txt" { return true }
        let target = Self.canonical(Array(path.utf8))
        var best: (length: Int, allow: Bool)?
        for rule in rules where Self.matches(rule.pattern, target) {
            let length = rule.pattern.count
            if best == nil || length > best!.length || (length == best!.length && rule.allow) {
                best = (length, rule.allow)
            }
        }
        return best?.allow ?? true
    }

    /// The one form patterns and paths are compared in (RFC 9309 §2.2.2, RFC 3986 §2):
    /// bytes outside US-ASCII (and controls, space) are percent-encoded; a percent-encoded
    /// unreserved character (`A-Z a-z 0-9 - . _ ~`) is decoded; any other percent-encoding
    /// (`%2F`, `%E3`) is kept, with its hex digits in upper case.
    static func canonical(_ bytes: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "%"), index + 2 < bytes.count, let high = ASCIIHex.value(of: bytes[index + 1]), let low = ASCIIHex.value(of: bytes[index + 2]) {
                let value = high << 4 | low
                if isUnreserved(value) {
                    output.append(value)
                } else {
                    output.append(contentsOf: [UInt8(ascii: "%"), hexDigits[Int(high)], hexDigits[Int(low)]])
                }
                index += 3
                continue
            }
            if byte >= 0x80 || byte <= 0x20 || byte == 0x7F {
                output.append(contentsOf: [UInt8(ascii: "%"), hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0x0F)]])
            } else {
                output.append(byte)
            }
            index += 1
        }
        return output
    }

    private static let hexDigits = Array("0123456789ABCDEF".utf8)

    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): true
        case UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"): true
        default: false
        }
    }

    /// The leading product-token characters of a `User-agent` value, lowercased.
    static func productToken(_ value: Substring) -> String {
        if value.hasPrefix("*") { return "*" }
        return String(value.prefix { $0.isLetter || $0 == "_" || $0 == "-" }).lowercased()
    }

    /// `*` matches any run of bytes; a `$` at the end anchors the pattern to the end.
    static func matches(_ pattern: [UInt8], _ target: [UInt8]) -> Bool {
        var pattern = pattern[...]
        let anchored = pattern.last == UInt8(ascii: "$")
        if anchored { pattern = pattern.dropLast() }
        // Iterative wildcard match with backtracking to the last `*`.
        var p = pattern.startIndex, t = 0
        var starP: Int?, starT = 0
        while t < target.count {
            if p < pattern.endIndex, pattern[p] == UInt8(ascii: "*") {
                starP = p
                starT = t
                p += 1
            } else if p < pattern.endIndex, pattern[p] == target[t] {
                p += 1
                t += 1
            } else if !anchored, p == pattern.endIndex {
                return true  // prefix match: the rest of the target is free
            } else if let star = starP {
                p = star + 1
                starT += 1
                t = starT
            } else {
                return false
            }
        }
        while p < pattern.endIndex, pattern[p] == UInt8(ascii: "*") { p += 1 }
        return p == pattern.endIndex
    }
}
