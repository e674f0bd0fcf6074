import Foundation
import ScrapeCore
import ScrapeResilience
import Testing

/// The config reference (docs/config.md) and `scrape run`'s flag table (docs/run.md) quote
/// the defaults; these tests read both tables and compare every default with
/// `ScrapeConfiguration.HTTP()`, the one place the values come from, so the documentation
/// cannot drift from the code.
@Suite struct ConfigReferenceTests {
    /// Each default as the documentation writes it, by config key.
    static let expected: [String: String] = {
        let http = ScrapeConfiguration.HTTP()
        return [
            "concurrency": "\(http.concurrency)",
            "per_host_concurrency": "\(http.perHostConcurrency)",
            "rate": http.rate.map { "\($0)" } ?? "unlimited",
            "per_host_rate": http.perHostRate.map { "\($0)" } ?? "unlimited",
            "timeout": http.timeout.configDescription,
            "connect_timeout": http.connectTimeout.configDescription,
            "retries": "\(http.retries)",
            "backoff": "\(http.backoff.initial.configDescription), \(http.backoff.maximum.configDescription)",
            "max_retry_after": http.maxRetryAfter.configDescription,
            "circuit_breaker":
                "\(http.circuitBreaker.failureThreshold), \(http.circuitBreaker.cooldown.configDescription), \(http.circuitBreaker.giveUpAfter.configDescription)",
            "max_body": "\(http.maxBody)",
            "max_redirects": "\(http.maxRedirects)",
            "user_agent": http.userAgent,
            "robots_txt": http.robotsTxt.rawValue,
        ]
    }()

    /// The rows of the table in `page` (a path from the repository's root) whose header row
    /// is `header`: the backticked names in the first column and the text of the `default`
    /// column.
    static func tableRows(in page: String, header: String) throws -> [(names: [String], value: String)] {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../\(page)")
        let lines = try String(contentsOf: file, encoding: .utf8).split(separator: "\n").map(String.init)
        guard let start = lines.firstIndex(of: header) else { return [] }
        func cells(_ line: String) -> [String] {
            Array(line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }.dropFirst().dropLast())
        }
        guard let column = cells(header).firstIndex(of: "default") else { return [] }
        return lines[(start + 2)...].prefix { $0.hasPrefix("|") }.map { line in
            let row = cells(line)
            let names = row[0].split(separator: "`", omittingEmptySubsequences: false).enumerated().filter { $0.offset % 2 == 1 }.map { String($0.element) }
            return (names, row[column].replacingOccurrences(of: "`", with: ""))
        }
    }

    @Test func configReferenceDefaultsAreTheCodes() throws {
        var documented: Set<String> = []
        for row in try Self.tableRows(in: "docs/config.md", header: "| key | form | default |") {
            for name in row.names where name.hasPrefix("http.") {
                let key = String(name.dropFirst("http.".count))
                guard let value = Self.expected[key] else { continue }
                documented.insert(key)
                #expect(row.value == value, "docs/config.md's default for \(name)")
            }
        }
        #expect(documented == Set(Self.expected.keys), "keys missing from docs/config.md's http: table")
    }

    @Test func flagTableDefaultsAreTheCodes() throws {
        let flags = Dictionary(uniqueKeysWithValues: ScrapeConfiguration.HTTP.Setting.allCases.map { ($0.flag, $0.key) })
        var checked: Set<String> = []
        for row in try Self.tableRows(in: "docs/run.md", header: "| flag | default | meaning |") {
            guard let name = row.names.first, let flag = name.split(separator: " ").first.map(String.init), let key = flags[flag] else { continue }
            checked.insert(flag)
            #expect(row.value == Self.expected[key], "docs/run.md's default for \(flag)")
        }
        #expect(checked.count >= 10, "docs/run.md's flag table was not found: checked \(checked.sorted())")
    }

    /// The shipped config files write the `http:` defaults out, to show them; they must
    /// stay the defaults.
    @Test(arguments: ["Config/scrape.example.yaml", "Config/scrape.yaml"])
    func shippedConfigsHoldTheDefaults(path: String) throws {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../\(path)").standardized.path
        #expect(try ScrapeConfiguration(contentsOfFile: file).http == ScrapeConfiguration.HTTP())
    }
}
