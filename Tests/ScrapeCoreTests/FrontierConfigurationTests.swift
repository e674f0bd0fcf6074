import ScrapeCore
import Testing

/// `daemon.frontier` and `scrape frontier work`'s flags: one set of defaults, one parser.
@Suite struct FrontierConfigurationTests {
    static func frontier(_ keys: String) throws -> ScrapeConfiguration.Frontier? {
        try ScrapeConfiguration(yaml: "daemon:\n  frontier:\n    database_url_env: CRAWL_DB\n" + keys).daemon.frontier
    }

    @Test func absentKeysAreTheDefaults() throws {
        let read = try #require(try Self.frontier(""))
        var expected = ScrapeConfiguration.Frontier()
        expected.databaseURLEnvironment = "CRAWL_DB"
        #expect(read == expected)
        #expect(ScrapeConfiguration.Frontier().databaseURLEnvironment == "SCRAPE_DATABASE_URL", "what scrape frontier reads without --db")
    }

    @Test func readsEveryKey() throws {
        let read = try #require(
            try Self.frontier(
                """
                    password_env: CRAWL_PASSWORD
                    jobs: [news, blogs]
                    concurrency: 8
                    lease: 30s
                    unreachable_timeout: 1m
                    worker_id: crawler-1

                """))
        #expect(read.passwordEnvironment == "CRAWL_PASSWORD")
        #expect(read.jobs == ["news", "blogs"])
        #expect(read.concurrency == 8)
        #expect(read.lease == .seconds(30))
        #expect(read.unreachableTimeout == .seconds(60))
        #expect(read.workerID == "crawler-1")
    }

    @Test(arguments: [
        (ScrapeConfiguration.Frontier.Setting.concurrency, "0", #"expected a whole number >= 1, got "0""#),
        (.lease, "500ms", #"expected a duration of 1s or more, like 30s or 2m, got "500ms""#),
        (.lease, "0s", #"expected a duration more than 0, like 250ms, 30s or 5m, got "0s""#),
        (.unreachableTimeout, "soon", #"expected a duration like 250ms, 30s, 5m or 1h, got "soon""#),
        (.unreachableTimeout, "0s", #"expected a duration more than 0, like 250ms, 30s or 5m, got "0s""#),
        (.workerID, "", "expected 1 to 200 characters, got 0"),
    ])
    func aFlagAndItsKeySayTheSame(setting: ScrapeConfiguration.Frontier.Setting, text: String, message: String) throws {
        var settings = ScrapeConfiguration.Frontier()
        #expect {
            try settings.set(setting, from: text, source: setting.flag)
        } throws: { error in
            "\(error)" == "\(setting.flag): \(message)"
        }
        #expect {
            try Self.frontier("    \(setting.key): \"\(text)\"\n")
        } throws: { error in
            "\(error)" == "line 4: daemon.frontier.\(setting.key): \(message)"
        }
    }

    @Test func flagsAreTheKeysSpelledForTheCommandLine() {
        #expect(ScrapeConfiguration.Frontier.Setting.allCases.map(\.flag) == ["--concurrency", "--lease", "--unreachable-timeout", "--worker-id"])
    }

    @Test func unknownKeysAreNamed() {
        #expect {
            try Self.frontier("    leese: 2m\n")
        } throws: { error in
            "\(error)".hasPrefix("line 4: daemon.frontier.leese: unknown key")
        }
    }
}
