import Foundation
import ScrapeCore
import ScrapeResilience
import Testing

/// The README's config references and flag tables quote the defaults; these tests read the
/// tables and compare every default with the code that owns it, `ScrapeConfiguration.HTTP()`
/// for `http:` and `ScrapeConfiguration.Stream` for `ws:` (and `scrape ws`'s flags), so the
/// documentation cannot drift from the code. The tables are looked for in README.md and the
/// pages under docs/, wherever a section lives.
@Suite struct ConfigReferenceTests {
    /// Each default as the README writes it, by config key.
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

    /// Each `ws:` default as the README writes it, by key: the settings that have one, and
    /// `compression` (a boolean key, not a ``ScrapeConfiguration/Stream/Setting``).
    static let expectedStream: [String: String] = {
        var defaults: [String: String] = [:]
        for setting in ScrapeConfiguration.Stream.Setting.allCases {
            if let text = setting.defaultDescription { defaults[setting.key] = text }
        }
        defaults["compression"] = "\(ScrapeConfiguration.Stream(url: try! StreamURL("ws://h/")).compression)"
        return defaults
    }()

    /// The markdown files that may hold a reference table.
    static func documents() throws -> [URL] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardized
        let docs = root.appendingPathComponent("docs")
        let pages = (try? FileManager.default.contentsOfDirectory(atPath: docs.path)) ?? []
        return [root.appendingPathComponent("README.md")] + pages.filter { $0.hasSuffix(".md") }.sorted().map { docs.appendingPathComponent($0) }
    }

    /// The rows of every table whose header row is `header`: the backticked names in the
    /// first column and the text of the `default` column. A row naming several keys with
    /// as many comma-separated defaults (`30s, twice the ping interval`) gives each its own;
    /// otherwise the one default is every name's.
    static func readmeRows(header: String) throws -> [(name: String, value: String)] {
        func cells(_ line: String) -> [String] {
            Array(line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }.dropFirst().dropLast())
        }
        guard let column = cells(header).firstIndex(of: "default") else { return [] }
        var rows: [(name: String, value: String)] = []
        for document in try documents() {
            let lines = try String(contentsOf: document, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            for start in lines.indices where lines[start] == header {
                for line in lines[(start + 2)...].prefix(while: { $0.hasPrefix("|") }) {
                    let row = cells(line)
                    let names = row[0].split(separator: "`", omittingEmptySubsequences: false).enumerated().filter { $0.offset % 2 == 1 }.map { String($0.element) }
                    let value = row[column].replacingOccurrences(of: "`", with: "")
                    let parts = value.components(separatedBy: ", ")
                    for (index, name) in names.enumerated() {
                        rows.append((name, names.count > 1 && parts.count == names.count ? parts[index] : value))
                    }
                }
            }
        }
        return rows
    }

    @Test func configReferenceDefaultsAreTheCodes() throws {
        var documented: Set<String> = []
        for row in try Self.readmeRows(header: "| key | form | default |") where row.name.hasPrefix("http.") {
            let key = String(row.name.dropFirst("http.".count))
            guard let value = Self.expected[key] else { continue }
            documented.insert(key)
            #expect(row.value == value, "README's default for \(row.name)")
        }
        #expect(documented == Set(Self.expected.keys), "keys missing from the README's config reference")
    }

    @Test func wsKeyDefaultsAreTheCodes() throws {
        var documented: Set<String> = []
        for row in try Self.readmeRows(header: "| key | form | default |") where row.name.hasPrefix("ws.") {
            let key = String(row.name.dropFirst("ws.".count))
            guard let value = Self.expectedStream[key] else { continue }
            documented.insert(key)
            #expect(row.value == value, "README's default for \(row.name)")
        }
        #expect(documented == Set(Self.expectedStream.keys), "keys missing from the README's ws: table")
    }

    @Test func theIdleTimeoutsDefaultIsWhatItsDescriptionSays() throws {
        var stream = ScrapeConfiguration.Stream(url: try StreamURL("ws://h/"))
        #expect(ScrapeConfiguration.Stream.Setting.idleTimeout.defaultDescription == "twice the ping interval")
        #expect(stream.effectiveIdleTimeout == stream.pingInterval * 2)
        stream.pingInterval = .seconds(5)
        #expect(stream.effectiveIdleTimeout == .seconds(10))
    }

    @Test func flagTableDefaultsAreTheCodes() throws {
        let flags = Dictionary(uniqueKeysWithValues: ScrapeConfiguration.HTTP.Setting.allCases.map { ($0.flag, $0.key) })
        var checked: Set<String> = []
        for row in try Self.readmeRows(header: "| flag | default | meaning |") {
            guard let flag = row.name.split(separator: " ").first.map(String.init), let key = flags[flag] else { continue }
            checked.insert(flag)
            #expect(row.value == Self.expected[key], "README's default for \(flag)")
        }
        #expect(checked.count >= 10, "the README's flag table was not found: checked \(checked.sorted())")
    }

    @Test func wsFlagTableDefaultsAreTheCodes() throws {
        let settings = ScrapeConfiguration.Stream.Setting.allCases
        let flags = Dictionary(uniqueKeysWithValues: settings.map { ($0.flag, $0) })
        var checked: Set<String> = []
        for row in try Self.readmeRows(header: "| flag | default | meaning |") {
            guard let flag = row.name.split(separator: " ").first.map(String.init), let setting = flags[flag] else { continue }
            checked.insert(flag)
            #expect(row.value == setting.defaultDescription ?? "", "README's default for \(flag)")
        }
        #expect(checked == Set(settings.map(\.flag)), "flags missing from scrape ws's flag table")
    }

    /// The shipped config files write the `http:` defaults out, to show them; they must
    /// stay the defaults.
    @Test(arguments: ["Config/scrape.example.yaml", "Config/scrape.yaml"])
    func shippedConfigsHoldTheDefaults(path: String) throws {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../\(path)").standardized.path
        #expect(try ScrapeConfiguration(contentsOfFile: file).http == ScrapeConfiguration.HTTP())
    }
}
