import Foundation
import ScrapeCore
import ScrapeHTTP
import ScrapeTestSupport
import Testing

@testable import ScrapeFrontier

/// Fleet workers with `http.cookies` and `http.headers` (issue 29): each job has a jar of its
/// own in each worker, so one job's cookies never reach another job's requests.
@Suite(.timeLimit(.minutes(2))) struct FrontierCookieTests {
    @Test func eachJobHasItsOwnJarInAWorker() async throws {
        let harness = try await FrontierHarness.make("cookies_jobs")
        defer { Task { await harness.close() } }
        try await TestServer.withRunning { server in
            try await harness.add([server.url("/session/set/one/1")], job: "one", changes: .init(ignoreRobots: true))
            try await harness.add([server.url("/session/echo?job=two"), server.url("/session/header/X-Fleet")], job: "two", changes: .init(ignoreRobots: true))
            var options = FrontierHarness.options("w1", jobs: ["one", "two"], concurrency: 1)
            options.untilEmpty = false
            options.http.cookies = true
            options.http.headers = ["X-Fleet": "yes"]
            let store = try FrontierHarness.store(harness.url)
            let worker = FrontierWorker(options: options, store: store)
            let running = Task { try await worker.run() }
            // A worker takes a job's URLs in no fixed order: the echo is added once the cookie is set.
            while server.log.count(path: "/session/set/one/1") == 0 { try await Task.sleep(for: .milliseconds(20)) }
            try await harness.add([server.url("/session/echo?job=one")], job: "one", changes: .init(ignoreRobots: true))
            try await harness.add([server.url("/session/echo?job=two-later")], job: "two", changes: .init(ignoreRobots: true))
            func title(_ job: String, _ suffix: String) async throws -> String? {
                try await harness.export(job: job).first { ($0["url"] as? String)?.hasSuffix(suffix) == true }?["title"] as? String
            }
            let deadline = ContinuousClock.now + .seconds(30)
            while ContinuousClock.now < deadline {
                let one = try await title("one", "/session/echo?job=one")
                let two = try await title("two", "/session/echo?job=two-later")
                let header = try await title("two", "/session/header/X-Fleet")
                if one != nil, two != nil, header != nil { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            worker.stop()
            _ = try await running.value
            await store.database.close()
            #expect(try await title("one", "/session/echo?job=one") == "cookie: one=1")
            #expect(try await title("two", "/session/echo?job=two") == "cookie: none")
            #expect(try await title("two", "/session/echo?job=two-later") == "cookie: none", "asked after job one's cookie was set")
            #expect(try await title("two", "/session/header/X-Fleet") == "X-Fleet: yes")
        }
    }
}
