import Foundation
import ScrapeAPI
import ScrapeCore
import ScrapeHTTP
import ScrapeTestSupport
import Testing

/// `scrape api` jobs with the config's `http.headers` and `http.cookies`: a cookie set by one
/// page is sent on the next page of the job's run, the job's own headers win over the run's,
/// and two jobs run together each have their own jar.
@Suite(.timeLimit(.minutes(1)))
struct APISessionTests {
    private func job(_ name: String) -> String {
        """
          - name: \(name)
            api:
              base_url: BASE/
              path: session/json
              headers: {X-Test: from-job}
              data_selector: items
              paginator: {type: page_number, maximum_page: 2}
        """
    }

    @Test func pagesOfAJobShareItsJarAndJobsDoNot() async throws {
        try await TestServer.withRunning { server in
            let yaml = "http: {cookies: true, headers: {X-Test: from-run, X-Other: run}}\njobs:\n" + job("first") + "\n" + job("second") + "\n"
            let configuration = try ScrapeConfiguration(yaml: yaml.replacingOccurrences(of: "BASE", with: server.baseURL))
            let client = try HTTPClient(configuration: configuration.http.clientConfiguration)
            var runs: [APIJobRun] = []
            var outputs: [String] = []
            for (index, job) in configuration.jobs.enumerated() {
                guard case .api(let api) = job.source else { continue }
                let output = TemporaryFiles.path("\(job.name).jsonl")
                outputs.append(output)
                runs.append(APIJobRun(options: .init(job: job, api: api, keyPath: "jobs[\(index)]", output: output, http: configuration.http)))
            }
            defer { outputs.forEach { try? FileManager.default.removeItem(atPath: $0) } }
            let results = await APIRunner.run(runs, client: client)
            await client.shutdown()
            for (index, result) in results.enumerated() {
                guard case .success = result else { Issue.record("job \(index) failed: \(result)"); continue }
                let records = try TemporaryFiles.records(String(contentsOfFile: outputs[index], encoding: .utf8))
                let byPage = Dictionary(uniqueKeysWithValues: records.map { ($0["page"] as! Int, $0) })
                // Page 1 of each job goes out with an empty jar, even with the other job's
                // page 1 answered before it; page 2 carries what page 1 of the same job set.
                #expect(byPage[1]?["cookie"] as? String == "none")
                #expect(byPage[2]?["cookie"] as? String == "api=1")
                #expect(records.allSatisfy { $0["x_test"] as? String == "from-job" }, "the job's own header wins")
            }
        }
    }
}
