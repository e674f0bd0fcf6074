import Foundation
import ScrapeBase
import ScrapeCore
import ScrapeResilience
import ScrapeTestSupport

@testable import ScrapeStream

/// Runs a stream in process into a temporary file and hands back what it wrote.
struct StreamHarness {
    struct Outcome {
        let exit: StreamExit
        let records: [[String: Any]]
        let lines: [String]
        let events: [String]
    }

    /// Settings for `url` with quick backoff (10 ms) so reconnect tests are fast.
    static func settings(_ url: String, limit: ReconnectPolicy.Limit = .attempts(3)) throws -> StreamSettings {
        var settings = StreamSettings(
            url: try StreamURL(url), userAgent: "scrape-test",
            reconnect: ReconnectPolicy(limit: limit, backoff: Backoff(initial: .milliseconds(10), maximum: .milliseconds(50)))
        )
        settings.connectTimeout = .seconds(5)
        return settings
    }

    /// Runs `settings` until the stream ends (or `stopAfter`, when given, then stop 1001).
    static func run(_ settings: StreamSettings, maxMessages: Int? = nil, stopAfter: Duration? = nil) async throws -> Outcome {
        let path = TemporaryFiles.path("stream.jsonl")
        defer { unlink(path) }
        let writer = try RecordWriter(path: path, mode: .replace)
        let recorder = StreamRecorder(url: settings.url.text, writer: writer, maxMessages: maxMessages)
        let events = Locked<[String]>([])
        let runner = try StreamRunner(settings: settings, recorder: recorder) { event in
            events.withLock { $0.append(StreamLog.line(for: event)) }
        }
        let stopper = stopAfter.map { delay in
            Task {
                try await Task.sleep(for: delay)
                runner.stop(code: CloseCode.goingAway)
            }
        }
        let exit = await runner.run()
        stopper?.cancel()
        try writer.close()
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return Outcome(
            exit: exit, records: try TemporaryFiles.records(text), lines: text.split(separator: "\n").map(String.init),
            events: events.withLock { $0 }
        )
    }
}
