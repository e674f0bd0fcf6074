import Foundation
import ScrapeCore
import ScrapeHTTP
import ScrapeResilience
import Testing
import ScrapeBase

/// The config references and flag tables quote the defaults; these tests read the tables
/// and compare every default with the code that owns it: `ScrapeConfiguration.HTTP()` for
/// `http:`, `ScrapeConfiguration.Stream` for `ws:` (and `scrape ws`'s flags),
/// `ScrapeConfiguration.Frontier()` for `scrape frontier`, so the documentation cannot drift
/// from the code. Tables are looked for in README.md and in docs/*.md alike, so moving a
/// section between them keeps it checked.
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
            "headers": http.headers.count == 0 ? "none" : "some",
            "cookies": "\(http.cookies)",
            "cookie_jar": http.cookieJar ?? "none",
            "proxy": http.proxy.choice == .environment ? "the environment's, as curl obeys it" : "another",
            "proxies": http.proxy.pool.isEmpty ? "none" : "some",
            "no_proxy": http.proxy.noProxy == nil ? "the environment's no_proxy" : "another",
            "proxy_rotation": http.proxy.rotation.rawValue,
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

    /// The repository's root.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardized

    /// The lines of README.md, then of each docs/*.md.
    static func documentation() throws -> [String] {
        let docs = root.appendingPathComponent("docs")
        let pages = try FileManager.default.contentsOfDirectory(atPath: docs.path).filter { $0.hasSuffix(".md") }.sorted()
        return try ([root.appendingPathComponent("README.md")] + pages.map { docs.appendingPathComponent($0) }).flatMap { file in
            try String(contentsOf: file, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        }
    }

    /// The rows of every table whose header row is `header`, as whole lines.
    static func tableLines(header: String) throws -> [String] {
        let lines = try documentation()
        return lines.indices.filter { lines[$0] == header }.flatMap { start in
            lines[(start + 2)...].prefix { $0.hasPrefix("|") }
        }
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
        for line in try tableLines(header: header) {
            let row = cells(line)
            let names = row[0].split(separator: "`", omittingEmptySubsequences: false).enumerated().filter { $0.offset % 2 == 1 }.map { String($0.element) }
            let value = row[column].replacingOccurrences(of: "`", with: "")
            let parts = value.components(separatedBy: ", ")
            for (index, name) in names.enumerated() {
                rows.append((name, names.count > 1 && parts.count == names.count ? parts[index] : value))
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
        #expect(documented == Set(Self.expected.keys), "keys missing from the config reference (docs/config.md)")
    }

    @Test func wsKeyDefaultsAreTheCodes() throws {
        var documented: Set<String> = []
        for row in try Self.readmeRows(header: "| key | form | default |") where row.name.hasPrefix("ws.") {
            let key = String(row.name.dropFirst("ws.".count))
            guard let value = Self.expectedStream[key] else { continue }
            documented.insert(key)
            #expect(row.value == value, "README's default for \(row.name)")
        }
        #expect(documented == Set(Self.expectedStream.keys), "keys missing from the ws: table (docs/config.md)")
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
        #expect(checked.count >= 10, "the flag table (docs/run.md) was not found: checked \(checked.sorted())")
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
    /// Each `scrape frontier` option's default, as the command table writes it.
    static let frontierExpected: [String: [String: String]] = {
        let http = ScrapeConfiguration.HTTP()
        let frontier = ScrapeConfiguration.Frontier()
        typealias Job = ScrapeConfiguration.HTTP.Setting
        typealias Worker = ScrapeConfiguration.Frontier.Setting
        return [
            "add": [
                Job.perHostRate.flag: http.perHostRate.map { "\($0)" } ?? "unlimited",
                Job.perHostConcurrency.flag: "\(http.perHostConcurrency)",
                Job.retries.flag: "\(http.retries)",
            ],
            "work": [
                Worker.concurrency.flag: "\(frontier.concurrency)",
                Worker.lease.flag: frontier.lease.configDescription,
                Worker.unreachableTimeout.flag: frontier.unreachableTimeout.configDescription,
            ],
        ]
    }()

    /// The defaults a row of the `| command | options |` table gives, by flag: the text in
    /// the parentheses after `` `--flag VALUE` ``, from its `default ` on when it says so.
    static func optionDefaults(in line: String) -> [String: String] {
        var defaults: [String: String] = [:]
        var rest = Substring(line)
        while let open = rest.firstRange(of: "`--") {
            rest = rest[open.upperBound...]
            guard let close = rest.firstIndex(of: "`") else { break }
            let flag = "--" + (rest[..<close].split(separator: " ").first ?? "")
            rest = rest[rest.index(after: close)...]
            guard rest.hasPrefix(" ("), let end = rest.firstIndex(of: ")") else { continue }
            var value = rest[rest.index(rest.startIndex, offsetBy: 2)..<end]
            if let said = value.firstRange(of: "default ") { value = value[said.upperBound...] }
            defaults[flag] = value.replacingOccurrences(of: "`", with: "")
        }
        return defaults
    }

    @Test func frontierCommandTableDefaultsAreTheCodes() throws {
        var checked: Set<String> = []
        // A command may have several rows (`add` for lists, `add --crawl` for crawls): its
        // defaults are those of all its rows.
        var documented: [String: [String: String]] = [:]
        for line in try Self.tableLines(header: "| command | options |") {
            let command = line.dropFirst(2).prefix { $0 != "|" }.replacingOccurrences(of: "`", with: "").split(separator: " ").first.map(String.init) ?? ""
            documented[command, default: [:]].merge(Self.optionDefaults(in: line)) { first, _ in first }
        }
        for (command, expected) in Self.frontierExpected {
            for (flag, value) in expected where documented[command] != nil {
                #expect(documented[command]?[flag] == value, "the frontier table's default for \(command) \(flag)")
                checked.insert("\(command) \(flag)")
            }
        }
        #expect(checked.count == Self.frontierExpected.values.map(\.count).reduce(0, +), "the frontier command table was not found: checked \(checked.sorted())")
    }

    /// The `daemon.frontier` examples (the docs', the shipped config's, commented out
    /// there) write the worker's defaults out; they must stay the defaults.
    @Test func frontierExamplesHoldTheDefaults() throws {
        let readme = try Self.documentation()
        let readmeBlock = try #require(
            readme.indices.dropFirst().first { readme[$0] == "  frontier:" && readme[$0 - 1] == "daemon:" }.map { start in
                (["daemon:"] + readme[start...].prefix { $0.hasPrefix("  ") }).joined(separator: "\n")
            }, "the daemon.frontier example (docs/)")
        let shipped = try String(contentsOf: Self.root.appendingPathComponent("Config/scrape.yaml"), encoding: .utf8).split(separator: "\n").map(String.init)
        let shippedBlock = try #require(
            shipped.firstIndex(of: "  # frontier:").map { start in
                (["daemon:"] + shipped[start...].prefix { $0.hasPrefix("  #") }.map { $0.replacingOccurrences(of: "  # ", with: "  ", options: .anchored) })
                    .joined(separator: "\n")
            }, "Config/scrape.yaml's daemon.frontier example")
        let defaults = ScrapeConfiguration.Frontier()
        for block in [readmeBlock, shippedBlock] {
            let example = try #require(try ScrapeConfiguration(yaml: block).daemon.frontier)
            #expect(example.concurrency == defaults.concurrency, "\(block)")
            #expect(example.lease == defaults.lease, "\(block)")
            #expect(example.unreachableTimeout == defaults.unreachableTimeout, "\(block)")
        }
    }

    @Test(arguments: ["Config/scrape.example.yaml", "Config/scrape.yaml"])
    func shippedConfigsHoldTheDefaults(path: String) throws {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../\(path)").standardized.path
        #expect(try ScrapeConfiguration(contentsOfFile: file).http == ScrapeConfiguration.HTTP())
    }
}
