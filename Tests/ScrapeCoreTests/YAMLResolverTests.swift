import Testing

@testable import ScrapeCore

/// ``YAMLResolver``'s hand-written matchers against the regular expressions they stand
/// for (YAML 1.1's implicit types, yaml.org/type, as the previous reader applied them,
/// whole-scalar matches tried in order), on every string of up to three characters from
/// an alphabet of the characters those patterns care about, and on longer strings made
/// of the pieces numbers, dates and times are written with.
@Suite struct YAMLResolverTests {
    /// The patterns, in the order they are tried.
    private static let rules: [(YAMLTag, String)] = [
        (.bool, "yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF"),
        (
            .int,
            "[-+]?0b[0-1_]+|[-+]?0o?[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+"
        ),
        (
            .float,
            #"[-+]?(?:[0-9][0-9_]*)(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?|\.[0-9_]+(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)"#
        ),
        (.merge, "<<"),
        (.null, "~|null|Null|NULL|"),
        (
            .timestamp,
            #"[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?"#
        ),
        (.value, "="),
    ]

    private static func expectedTag(_ text: String, _ compiled: [(YAMLTag, Regex<AnyRegexOutput>)]) -> YAMLTag {
        for (tag, regex) in compiled where (try? regex.wholeMatch(in: text)) != nil { return tag }
        return .str
    }

    private static func compiled() throws -> [(YAMLTag, Regex<AnyRegexOutput>)] {
        try rules.map { tag, pattern in (tag, try Regex("(?:" + pattern + ")")) }
    }

    @Test func everyShortStringResolvesAsThePatternsSay() throws {
        let compiled = try Self.compiled()
        let alphabet = Array("0159abefoxnNtTZ-+_.:~< \t=")
        var texts: [String] = [""]
        var previous: [String] = [""]
        for _ in 1...3 {
            previous = previous.flatMap { prefix in alphabet.map { prefix + String($0) } }
            texts += previous
        }
        var mismatches: [String] = []
        for text in texts where YAMLResolver.tag(ofPlain: text) != Self.expectedTag(text, compiled) {
            mismatches.append(text)
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(20))")
    }

    @Test func longerNumbersDatesAndTimesResolveAsThePatternsSay() throws {
        let compiled = try Self.compiled()
        let pieces = [
            "0", "1", "7", "8", "9", "12", "59", "60", "05", "_", "-", "+", ".", ":", "e", "E", "e+", "e-", "0x", "0b", "0o", "fF", "inf",
            "Inf", "nan", "NaN", "2001", "-12-", "-1-", "T", "t", " ", "\t", "Z", "+05", "-5:30", ":00", ".5", "yes", "null", "~", "1:30",
        ]
        var generator = SplitMix64(seed: 0x59_414D_4C)
        var mismatches: [String] = []
        for _ in 0..<20_000 {
            let count = Int(generator.next() % 6) + 1
            let text = (0..<count).map { _ in pieces[Int(generator.next() % UInt64(pieces.count))] }.joined()
            if YAMLResolver.tag(ofPlain: text) != Self.expectedTag(text, compiled) { mismatches.append(text) }
        }
        for text in ["2001-12-14", "2001-12-14t21:59:43.10-05:00", "2001-12-14 21:59:43.10 -5", "2001-1-1 1:00:00", "2001-12-14T21:59:43 Z",
            "2001-12-14T21:59:43+05:3", "190:20:30", "1:30.5", "-1:30", "0x_", "0b", "08", "0o8", "1__0", "+.inf", "-.NaN", "日本", "１２"]
        where YAMLResolver.tag(ofPlain: text) != Self.expectedTag(text, compiled) {
            mismatches.append(text)
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(20))")
    }
}

/// A small deterministic generator, so a failure names a case that comes back.
private struct SplitMix64 {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}
