import Foundation
import ScrapeCore
import ScrapeResilience
import Testing

/// `jobs[].http:`: the top-level keys, read by the same parser, over the top-level values;
/// `circuit_breaker` refused (the daemon's breakers are shared), `http:` on a `ws:` job
/// refused, errors naming the key path and the line, and `check-config`'s text.
struct JobHTTPConfigurationTests {
    static let yaml = """
        http:
          retries: 1
          timeout: 20s
          user_agent: top/1.0
        jobs:
          - name: own
            scrape: {urls_file: a.txt}
            http:
              retries: 4
              per_host_rate: 2/s
              backoff: {initial: 50ms}
          - name: plain
            scrape: {urls_file: a.txt}
        """

    @Test func aJobsKeysGoOverTheTopLevelOnes() throws {
        let configuration = try ScrapeConfiguration(yaml: Self.yaml)
        let own = try #require(configuration.jobs.first?.http)
        #expect(own.retries == 4)
        #expect(own.perHostRate == Rate(perSecond: 2))
        #expect(own.backoff.initial == .milliseconds(50))
        #expect(own.backoff.maximum == configuration.http.backoff.maximum)
        // Keys it does not set are the top-level ones, not the defaults.
        #expect(own.timeout == .seconds(20))
        #expect(own.userAgent == "top/1.0")
        #expect(configuration.jobs[1].http == nil)
    }

    /// Every key the job's map lacks keeps the top-level value: a parser of an `http:` key
    /// must change only what its keys say (a key added to `http:` belongs in this file too).
    @Test func aJobsEmptyHTTPIsTheTopLevelOne() throws {
        let top = """
            http:
              concurrency: 7
              per_host_concurrency: auto:5
              rate: 9/s
              per_host_rate: 3/s
              timeout: 9s
              connect_timeout: 2s
              retries: 6
              backoff: {initial: 1s, max: 9s}
              max_retry_after: 7s
              circuit_breaker: {failures: 9, cooldown: 9s, give_up_after: 99s}
              max_body: 3MiB
              max_redirects: 2
              user_agent: top/9.9
              robots_txt: ignore
            jobs:
              - name: j
                scrape: {urls_file: a.txt}
                http: {}

            """
        let configuration = try ScrapeConfiguration(yaml: top)
        #expect(configuration.http != ScrapeConfiguration.HTTP())
        #expect(configuration.jobs.first?.http == configuration.http)
    }

    @Test func everyTopLevelKeyIsAJobKey() throws {
        for setting in ScrapeConfiguration.HTTP.Setting.allCases {
            let value = switch setting {
            case .perHostConcurrency: "auto:4"
            case .rate, .perHostRate: "3/s"
            case .timeout, .connectTimeout, .maxRetryAfter: "7s"
            case .maxBody: "1MiB"
            case .userAgent: "jobbot/1.0"
            case .robotsTxt: "ignore"
            default: "3"
            }
            let text = "jobs:\n  - name: j\n    scrape: {urls_file: a.txt}\n    http: {\(setting.key): \(value)}\n"
            var expected = ScrapeConfiguration.HTTP()
            try expected.set(setting, from: value, source: setting.key)
            #expect(try ScrapeConfiguration(yaml: text).jobs.first?.http == expected, "\(setting.key)")
        }
    }

    @Test func theBreakerIsTheDaemonsAndWsJobsHaveNoHTTP() {
        #expect {
            try ScrapeConfiguration(yaml: "jobs:\n  - name: j\n    scrape: {urls_file: a.txt}\n    http:\n      circuit_breaker: {failures: 2}\n")
        } throws: { error in
            "\(error)".contains("line 5: jobs[0].http.circuit_breaker: the circuit breakers are shared by every job")
        }
        #expect {
            try ScrapeConfiguration(yaml: "jobs:\n  - name: s\n    ws: {url: \"wss://example.com/feed\"}\n    http: {retries: 2}\n")
        } throws: { error in
            "\(error)".contains("jobs[0].http: a ws: job's connection has its own keys")
        }
    }

    @Test func aBadValueNamesTheJobsKeyAndLine() {
        #expect {
            try ScrapeConfiguration(yaml: Self.yaml.replacingOccurrences(of: "retries: 4", with: "retries: many"))
        } throws: { error in
            "\(error)".contains("line 9: jobs[0].http.retries:")
        }
        #expect {
            try ScrapeConfiguration(yaml: Self.yaml.replacingOccurrences(of: "retries: 4", with: "retry: 4"))
        } throws: { error in
            "\(error)".contains("jobs[0].http") && "\(error)".contains("retry")
        }
    }

    @Test func checkConfigShowsEachJobsEffectiveSettings() throws {
        var configuration = try ScrapeConfiguration(yaml: Self.yaml)
        let text = try #require(configuration.jobHTTPSettings)
        #expect(text.hasPrefix("job_http:\n  own:\n    concurrency: 64\n"), "\(text)")
        #expect(text.contains("\n    retries: 4\n"))
        #expect(text.contains("\n    per_host_rate: 2/s\n"))
        #expect(text.contains("\n    timeout: 20s\n"))
        #expect(!text.contains("plain"))
        configuration.hasDaemonSection = true
        configuration.daemon.perHostRate = Rate(perSecond: 2)
        #expect(configuration.jobHTTPSettings?.contains("\n    # each run's own caps; from all runs together a host sees at most 8 in flight and 2/s (daemon.per_host_*)\n") == true)
        #expect(try ScrapeConfiguration(yaml: "jobs: []\n").jobHTTPSettings == nil)
    }
}
