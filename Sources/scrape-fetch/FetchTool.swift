import ScrapeBase
import Glibc
import ScrapeHTTP

/// `scrape-fetch`: fetches every URL of a list with the HTTP engine, nothing else.
///
/// It exists to exercise `ScrapeHTTP` on its own: `make bench-http` races it against
/// `curl --parallel` (fetch only, no parsing, on both sides).
///
/// ```
/// scrape-fetch URLS_FILE [--concurrency N] [--per-host N] [--summary-only]
/// ```
/// Prints one line per URL (`status bytes elapsed_ms url`, or `error KIND url: message`)
/// in completion order, then a summary on stderr.
@main
struct FetchTool {
    struct Options {
        var path = ""
        var concurrency = 64
        var perHost: Int?
        var summaryOnly = false
    }

    static func main() async {
        guard let options = parse(Array(CommandLine.arguments.dropFirst())) else {
            StandardError.write("usage: scrape-fetch URLS_FILE [--concurrency N] [--per-host N] [--summary-only]\n")
            exit(2)
        }
        guard let urls = readURLs(options.path) else {
            StandardError.write("scrape-fetch: cannot read \(options.path): \(SystemCall.errorMessage())\n")
            exit(1)
        }
        var configuration = HTTPClient.Configuration()
        configuration.connections.maxTotal = options.concurrency
        configuration.connections.maxPerHost = options.perHost ?? options.concurrency
        let client: HTTPClient
        do {
            client = try HTTPClient(configuration: configuration)
        } catch {
            StandardError.write("scrape-fetch: \(error)\n")
            exit(1)
        }
        let start = ContinuousClock.now
        let summary = await fetchAll(urls, with: client, concurrency: options.concurrency, printLines: !options.summaryOnly)
        await client.shutdown()
        let seconds = (ContinuousClock.now - start).inSeconds
        fflush(nil)  // the records on stdout come before the summary on stderr
        StandardError.write(summary.report(seconds: seconds))
    }

    /// Keeps at most `concurrency` requests in flight with a bounded task group.
    static func fetchAll(_ urls: [String], with client: HTTPClient, concurrency: Int, printLines: Bool) async -> Summary {
        await withTaskGroup(of: Outcome.self) { group in
            var summary = Summary()
            var next = 0
            func addNext() {
                guard next < urls.count else { return }
                let url = urls[next]
                next += 1
                group.addTask { await fetch(url, with: client) }
            }
            for _ in 0..<concurrency { addNext() }
            while let outcome = await group.next() {
                summary.add(outcome)
                if printLines { print(outcome.line) }
                addNext()
            }
            return summary
        }
    }

    struct Outcome: Sendable {
        var line: String
        var status: Int?
        var bytes: Int
        var errorKind: String?
    }

    static func fetch(_ url: String, with client: HTTPClient) async -> Outcome {
        let start = ContinuousClock.now
        do {
            let response = try await client.execute(FetchRequest(url: url))
            let ms = Int(((ContinuousClock.now - start).inSeconds * 1000).rounded())
            return Outcome(line: "\(response.status) \(response.body.count) \(ms) \(url)", status: response.status, bytes: response.body.count)
        } catch let error as HTTPClientError {
            return Outcome(line: "error \(error.kind) \(url): \(error.message)", status: nil, bytes: 0, errorKind: error.kind.rawValue)
        } catch {
            return Outcome(line: "error cancelled \(url)", status: nil, bytes: 0, errorKind: "cancelled")
        }
    }

    struct Summary {
        var count = 0
        var bytes = 0
        var byStatus: [Int: Int] = [:]
        var byError: [String: Int] = [:]

        mutating func add(_ outcome: Outcome) {
            count += 1
            bytes += outcome.bytes
            if let status = outcome.status { byStatus[status, default: 0] += 1 }
            if let kind = outcome.errorKind { byError[kind, default: 0] += 1 }
        }

        func report(seconds: Double) -> String {
            let statuses = byStatus.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            let errors = byError.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            let rate = seconds > 0 ? Double(count) / seconds : 0
            return "fetched \(count) urls, \(bytes) bytes in \(String(format3(seconds))) s (\(Int(rate)) req/s); status: \(statuses.isEmpty ? "-" : statuses); errors: \(errors.isEmpty ? "-" : errors)\n"
        }

        private func format3(_ value: Double) -> String {
            let scaled = Int((value * 1000).rounded())
            let fraction = String(scaled % 1000)
            return "\(scaled / 1000).\(String(repeating: "0", count: 3 - fraction.count))\(fraction)"
        }
    }

    static func parse(_ arguments: [String]) -> Options? {
        var options = Options()
        var iterator = arguments.makeIterator()
        while let argument = iterator.next() {
            switch argument {
            case "--concurrency": guard let n = iterator.next().flatMap(Int.init), n > 0 else { return nil }; options.concurrency = n
            case "--per-host": guard let n = iterator.next().flatMap(Int.init), n > 0 else { return nil }; options.perHost = n
            case "--summary-only": options.summaryOnly = true
            default:
                guard options.path.isEmpty, !argument.hasPrefix("--") else { return nil }
                options.path = argument
            }
        }
        return options.path.isEmpty ? nil : options
    }

    /// Reads the list: one URL per line; blank lines and `#` comments skipped.
    static func readURLs(_ path: String) -> [String]? {
        guard let file = fopen(path, "r") else { return nil }
        defer { fclose(file) }
        var urls: [String] = []
        var line: UnsafeMutablePointer<CChar>?
        var capacity = 0
        defer { free(line) }
        while getline(&line, &capacity, file) > 0, let line {
            let text = String(cString: line).trimmingCharacters(in: " \t\r\n")
            if !text.isEmpty, !text.hasPrefix("#") { urls.append(text) }
        }
        return urls
    }
}
