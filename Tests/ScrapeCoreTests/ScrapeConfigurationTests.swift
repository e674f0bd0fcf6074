import Foundation
import ScrapeCore
import ScrapeResilience
import ScrapeResilience
import ScrapeHTTP
import Testing
import ScrapePages

/// The config file's http: section: values, defaults, and errors that name the key.
struct ScrapeConfigurationTests {
    @Test func emptyFileIsRefused() throws {
        for text in ["", "\n", "# only a comment\n"] {
            #expect {
                try ScrapeConfiguration(yaml: text)
            } throws: { error in
                "\(error)".contains("the file is empty")
            }
        }
    }

    @Test func emptySectionsGiveDefaults() throws {
        let configuration = try ScrapeConfiguration(yaml: "jobs: []\n")
        #expect(configuration.hasJobsSection)
        #expect(configuration.jobs.isEmpty)
        #expect(configuration.http == ScrapeConfiguration.HTTP())
        #expect(configuration.http.concurrency == 64)
        #expect(configuration.http.perHostConcurrency == 8)
        #expect(configuration.http.maxBody.bytes == 10 * 1024 * 1024)
    }

    @Test func readsEveryHTTPKey() throws {
        let yaml = """
            http:
              concurrency: 32
              per_host_concurrency: 4
              rate: 100/s
              per_host_rate: 600/m
              timeout: 5s
              connect_timeout: 250ms
              retries: 2
              backoff: {initial: 100ms, max: 10s}
              circuit_breaker: {failures: 3, cooldown: 1m, give_up_after: 10m}
              max_body: 2MiB
              max_redirects: 0
              user_agent: "bot/2 (+https://example.com/bot)"
              robots_txt: ignore
            jobs: []
            daemon: {}
            """
        let http = try ScrapeConfiguration(yaml: yaml).http
        #expect(http.concurrency == 32)
        #expect(http.perHostConcurrency == 4)
        #expect(http.rate?.perSecond == 100)
        #expect(http.perHostRate?.perSecond == 10)
        #expect(http.timeout == .seconds(5))
        #expect(http.connectTimeout == .milliseconds(250))
        #expect(http.retries == 2)
        #expect(http.backoff.initial == .milliseconds(100))
        #expect(http.backoff.maximum == .seconds(10))
        #expect(http.circuitBreaker.failureThreshold == 3)
        #expect(http.circuitBreaker.giveUpAfter == .seconds(600))
        #expect(http.politeness.breaker.giveUpAfter == .seconds(600))
        #expect(http.circuitBreaker.cooldown == .seconds(60))
        #expect(http.maxBody.bytes == 2 * 1024 * 1024)
        #expect(http.maxRedirects == 0)
        #expect(http.userAgent == "bot/2 (+https://example.com/bot)")
        #expect(http.robotsTxt == .ignore)

        let client = http.clientConfiguration
        #expect(client.connections.maxTotal == 32)
        #expect(client.connections.maxPerHost == 4)
        #expect(client.timeouts.total == .seconds(5))
        #expect(client.limits.maxBodyBytes == 2 * 1024 * 1024)
    }

    @Test(arguments: [
        ("http:\n  per_host_rate: 10 per sec\n", "line 2: http.per_host_rate: expected N/s, N/m or N/h, got \"10 per sec\""),
        ("http:\n  timeout: 10\n", "line 2: http.timeout: expected a duration like 250ms, 30s, 5m or 1h, got \"10\""),
        ("http:\n  concurrency: 0\n", "line 2: http.concurrency: expected a whole number >= 1, got \"0\""),
        ("http:\n  max_body: lots\n", "line 2: http.max_body: expected a size like 512KiB or 10MiB, got \"lots\""),
        ("http:\n  robots_txt: maybe\n", "line 2: http.robots_txt: expected obey or ignore, got \"maybe\""),
        ("http:\n  concurency: 4\n", "line 2: http.concurency: unknown key; expected one of concurrency, per_host_concurrency, rate, per_host_rate, timeout, connect_timeout, retries, max_retry_after, max_body, max_redirects, user_agent, robots_txt, backoff, circuit_breaker, headers, cookies, cookie_jar, proxy, proxies, no_proxy, proxy_rotation"),
        ("http:\n  backoff: {initial: 1s, maximum: 2s}\n", "line 2: http.backoff.maximum: unknown key; expected one of initial, max"),
        ("htp: {}\n", "line 1: htp: unknown key; expected one of http, fields, metadata, login, jobs, daemon"),
        ("http: 5\n", "line 1: http: expected a mapping of keys to values"),
        ("http:\n  timeout: [1s]\n", "line 2: http.timeout: expected a single value"),
    ])
    func badValuesNameTheKeyAndWhatWasExpected(yaml: String, message: String) {
        #expect(throws: ConfigurationError.self) { try ScrapeConfiguration(yaml: yaml) }
        do {
            _ = try ScrapeConfiguration(yaml: yaml)
        } catch {
            #expect(error.description == message)
        }
    }

    @Test func invalidYAMLIsAnError() {
        #expect(throws: ConfigurationError.self) { try ScrapeConfiguration(yaml: "http: [unclosed\n") }
    }

    /// The error leaves the path to its caller, which names the file of every config error
    /// (`scrape.yaml: line 2: ...`); naming it here too showed it twice (issue 24).
    @Test func missingFileIsAnErrorThatLeavesThePathToTheCaller() {
        do {
            _ = try ScrapeConfiguration(contentsOfFile: "/nonexistent/scrape.yaml")
            Issue.record("no error")
        } catch {
            #expect(error.description == "cannot read the config file: No such file or directory")
            #expect(error.key.isEmpty)
        }
    }

    @Test func bundledExampleConfigIsValid() throws {
        let root = #filePath.components(separatedBy: "/Tests/")[0]
        _ = try ScrapeConfiguration(contentsOfFile: root + "/Config/scrape.example.yaml")
    }
}
