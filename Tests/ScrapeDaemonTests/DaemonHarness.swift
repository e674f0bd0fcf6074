import Foundation
import ScrapeHTTP
import ScrapeTestSupport

/// One `scrape daemon` child process with its own folder, config file and notify socket.
///
/// The config listens on port 0; the harness learns the port from the `STATUS=` line
/// that comes with `READY=1`, the way an operator would read it in `systemctl status`.
final class DaemonHarness: @unchecked Sendable {
    let directory: String
    let notify: NotifySocket
    private(set) var process: ChildProcess?
    private(set) var port = 0
    let client: HTTPClient

    var configPath: String { directory + "/scrape.yaml" }
    var stateDirectory: String { directory + "/state" }
    var inbox: String { stateDirectory + "/inbox" }

    init() throws {
        // Short: a socket path must fit in 108 bytes.
        directory = "/tmp/sd-" + UUID().uuidString.prefix(8).lowercased()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        notify = try NotifySocket(path: directory + "/notify")
        client = try HTTPClient()
    }

    /// Writes the config file: `body` plus a `daemon:` section on port 0 in this folder.
    func writeConfig(_ body: String, daemon extra: String = "") throws {
        let text = body + """

            daemon:
              listen: 127.0.0.1:0
              state_dir: \(stateDirectory)
            \(extra)
            """
        try text.write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    /// Writes a file in the harness folder and returns its path.
    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        let path = directory + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Starts the daemon and waits for `READY=1`.
    func start(environment: [String: String] = [:], arguments: [String] = []) async throws {
        notify.clear()
        var merged = ["NOTIFY_SOCKET": notify.path]
        merged.merge(environment) { $1 }
        let process = try ChildProcess(ChildProcess.builtProduct("scrape"), ["daemon", "--config", configPath] + arguments, environment: merged)
        self.process = process
        let ready: NotifySocket.Message
        do {
            ready = try await notify.wait(for: .seconds(60)) { $0.fields["READY"] == "1" }
        } catch {
            process.send(SIGKILL)
            let result = try? await process.wait(timeout: .seconds(5))
            throw ChildProcess.Failure(description: "\(error); stderr: \(result?.stderr ?? "")")
        }
        let status = ready.fields["STATUS"] ?? ""
        guard let range = status.range(of: #"127\.0\.0\.1:\d+"#, options: .regularExpression),
            let port = Int(status[range].split(separator: ":").last ?? "")
        else { throw ChildProcess.Failure(description: "no port in READY status: \(status)") }
        self.port = port
    }

    /// Sends a signal to the daemon.
    func send(_ signal: Int32) { process?.send(signal) }

    /// Waits for the daemon to exit.
    func waitForExit(timeout: Duration = .seconds(60)) async throws -> ChildProcess.Result {
        guard let process else { throw ChildProcess.Failure(description: "not started") }
        defer { self.process = nil }
        return try await process.wait(timeout: timeout)
    }

    /// The daemon's log so far.
    var log: String { process?.currentStderr ?? "" }

    /// An HTTP request to the control server.
    func request(_ method: FetchRequest.Method = .get, _ path: String, body: String? = nil, token: String? = nil) async throws -> (status: Int, body: String) {
        var headers: HTTPHeaders = [:]
        if let token { headers = ["Authorization": "Bearer \(token)"] }
        let response = try await client.execute(
            FetchRequest(url: "http://127.0.0.1:\(port)\(path)", method: method, headers: headers, body: body.map { Array($0.utf8) }, timeout: .seconds(10))
        )
        return (response.status, String(decoding: response.body, as: UTF8.self))
    }

    /// A JSON object answer.
    func json(_ method: FetchRequest.Method = .get, _ path: String, body: String? = nil, token: String? = nil) async throws -> (status: Int, object: [String: Any]) {
        let (status, text) = try await request(method, path, body: body, token: token)
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] ?? [:]
        return (status, object)
    }

    /// Polls `condition` every 50 ms until it holds, at most `timeout`.
    func eventually(_ what: String, timeout: Duration = .seconds(30), _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw ChildProcess.Failure(description: "timed out waiting for: \(what); daemon log:\n\(log)")
    }

    /// Waits until `GET /runs/ID` says `state`.
    func waitForRun(_ id: String, toBe state: String = "succeeded") async throws {
        try await eventually("run \(id) \(state)") {
            try await json(.get, "/runs/\(id)").object["state"] as? String == state
        }
    }

    /// The JSON lines of a file (none when it does not exist).
    func records(_ path: String) -> [[String: Any]] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    /// Drops a URL list into the inbox the way writers should: write elsewhere, rename in.
    func dropInbox(_ name: String, _ urls: [String]) throws {
        let staging = directory + "/\(name).staging"
        try (urls.joined(separator: "\n") + "\n").write(toFile: staging, atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: inbox, withIntermediateDirectories: true)
        guard rename(staging, inbox + "/\(name).txt") == 0 else { throw ChildProcess.Failure(description: "rename: errno \(errno)") }
    }

    /// Stops the daemon (if running) and removes the folder.
    func cleanUp() async {
        if let process {
            process.send(SIGKILL)
            _ = try? await process.wait(timeout: .seconds(10))
        }
        await client.shutdown()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Runs `body` with a fresh harness, cleaning up whatever happens.
    static func with(_ body: (DaemonHarness) async throws -> Void) async throws {
        let harness = try DaemonHarness()
        do {
            try await body(harness)
        } catch {
            await harness.cleanUp()
            throw error
        }
        await harness.cleanUp()
    }
}
