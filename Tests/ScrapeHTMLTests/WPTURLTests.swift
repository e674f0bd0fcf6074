import Foundation
import ScrapeHTML
import Testing

/// The Web Platform Tests' `url/resources/urltestdata.json`, run when `URL_TESTDATA` names a
/// copy of it (kept outside the repository, like the html5lib data): every case's `href`
/// and getters, or its failure. Prints the counts and each failing input.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["URL_TESTDATA"] != nil))
struct WPTURLTests {
    /// urltestdata.json passes whole; the host files keep the failures the partial UTS #46
    /// is known to leave (compatibility mappings and NFC beyond `CanonicalComposition`, see
    /// `IDNAMapping`), and the counts must not grow.
    static let knownFailureBudget = 0
    static let knownHostFailures = ["toascii.json": 5, "IdnaTestV2.json": 16]

    @Test func urlTestData() throws {
        let path = try #require(ProcessInfo.processInfo.environment["URL_TESTDATA"])
        let json = try JSONSerialization.jsonObject(with: Self.withoutLoneSurrogates(Data(contentsOf: URL(fileURLWithPath: path))))
        let cases = try #require(json as? [Any]).compactMap { $0 as? [String: Any] }
        var passed = 0
        var failures: [String] = []
        for testCase in cases {
            guard let input = testCase["input"] as? String else { continue }
            if let problem = check(testCase, input: input) {
                failures.append("\(debug(input)) base \(debug(testCase["base"] as? String ?? "null")): \(problem)")
            } else {
                passed += 1
            }
        }
        print("WPT urltestdata: \(passed) passed, \(failures.count) failed of \(passed + failures.count)")
        for failure in failures { print("  FAIL \(failure)") }
        #expect(failures.count <= Self.knownFailureBudget)
    }

    /// WPT's `toascii.json` and `IdnaTestV2.json`, read from beside `URL_TESTDATA` when they
    /// are there: each input as the host of `https://INPUT/x`, whose `host` must be the
    /// output (or the parse must fail when the output is null).
    @Test(arguments: ["toascii.json", "IdnaTestV2.json"])
    func hostTestData(_ name: String) throws {
        let dataPath = try #require(ProcessInfo.processInfo.environment["URL_TESTDATA"])
        let url = URL(fileURLWithPath: dataPath).deletingLastPathComponent().appendingPathComponent(name)
        guard let data = try? Data(contentsOf: url) else { return }
        let cases = try #require(try JSONSerialization.jsonObject(with: Self.withoutLoneSurrogates(data)) as? [Any])
            .compactMap { $0 as? [String: Any] }
        var passed = 0
        var failures: [String] = []
        for testCase in cases {
            // An empty input cannot be tested as a host (WPT skips it too).
            guard let input = testCase["input"] as? String, !input.isEmpty else { continue }
            let expected = testCase["output"] as? String
            let host = WebURL("https://\(input)/x")?.host
            if host == expected { passed += 1 } else { failures.append("\(debug(input)): \(host.map(debug) ?? "failure"), expected \(expected.map(debug) ?? "failure")") }
        }
        print("WPT \(name): \(passed) passed, \(failures.count) failed of \(passed + failures.count)")
        for failure in failures { print("  FAIL \(failure)") }
        #expect(failures.count <= Self.knownHostFailures[name] ?? 0)
    }

    /// nil when the case passes, else what differs.
    private func check(_ testCase: [String: Any], input: String) -> String? {
        var base: WebURL?
        if let baseString = testCase["base"] as? String {
            base = WebURL(baseString)
            if base == nil { return testCase["failure"] as? Bool == true ? nil : "base does not parse" }
        }
        let url = WebURL(input, base: base)
        if testCase["failure"] as? Bool == true {
            return url.map { "expected failure, got \(debug($0.href))" }
        }
        guard let url else { return "failed, expected \(debug(testCase["href"] as? String ?? ""))" }
        let getters: [(String, String)] = [
            ("href", url.href), ("protocol", url.protocol), ("username", url.username), ("password", url.password),
            ("host", url.host), ("hostname", url.hostname), ("port", url.port), ("pathname", url.pathname),
            ("search", url.search), ("hash", url.hash), ("origin", url.origin),
        ]
        for (name, value) in getters {
            guard let expected = testCase[name] as? String else { continue }
            if expected != value { return "\(name) \(debug(value)), expected \(debug(expected))" }
        }
        return nil
    }

    /// The data with each lone surrogate escape replaced by U+FFFD, which is what the
    /// browser's USVString conversion makes of one (JSONSerialization rejects them).
    static func withoutLoneSurrogates(_ data: Data) throws -> Data {
        var text = String(decoding: data, as: UTF8.self)
        for pattern in [#"\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F])"#, #"(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2}"#] {
            let expression = try NSRegularExpression(pattern: pattern)
            text = expression.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text), withTemplate: #"\\uFFFD"#)
        }
        return Data(text.utf8)
    }

    private func debug(_ string: String) -> String {
        "\"" + string.unicodeScalars.map { $0.isASCII && $0.value >= 0x20 && $0.value < 0x7F ? String($0) : "\\u{\(String($0.value, radix: 16))}" }.joined() + "\""
    }
}
