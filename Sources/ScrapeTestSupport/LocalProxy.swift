import Foundation

/// A real proxy from a Debian package on a free 127.0.0.1 port, for the proxy tests:
/// tinyproxy (HTTP forwarding and CONNECT) or microsocks (SOCKS5), with or without a
/// user name and password. Started by the test, stopped by ``stop()``; `make test`
/// installs `tinyproxy-bin` and `microsocks` (scripts/install-deps.sh).
public final class LocalProxy: Sendable {
    /// Which proxy program.
    public enum Kind: Sendable {
        /// tinyproxy: `http://`; forwards plain requests (adding `Via`) and tunnels CONNECT to any port.
        case tinyproxy
        /// microsocks: `socks5://`.
        case microsocks
    }

    /// A user name and password the proxy demands.
    public struct Credentials: Sendable {
        public let user: String
        public let password: String
        public init(user: String, password: String) {
            self.user = user
            self.password = password
        }
    }

    /// The listening port.
    public let port: Int
    /// The proxy's URL with its credentials, as a user gives it.
    public let url: String
    /// The URL without credentials: what records and logs may show.
    public let displayURL: String
    private let process: ChildProcess
    private let directory: String

    /// Starts the proxy and returns once it accepts connections.
    public init(_ kind: Kind, credentials: Credentials? = nil) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("scrape-proxy-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let (probe, port) = try LoopbackSocket.bind(listen: false)
        close(probe)  // free again; the proxy binds it next (a race only with another process)
        self.port = port
        let userinfo = credentials.map { "\($0.user):\($0.password)@" } ?? ""
        switch kind {
        case .tinyproxy:
            var config = """
                Port \(port)
                Listen 127.0.0.1
                Timeout 30
                MaxClients 64
                LogLevel Connect
                LogFile "\(directory)/tinyproxy.log"
                """
            if let credentials { config += "\nBasicAuth \(credentials.user) \(credentials.password)" }
            try config.write(toFile: directory + "/tinyproxy.conf", atomically: true, encoding: .utf8)
            process = try ChildProcess("/usr/bin/tinyproxy", ["-d", "-c", directory + "/tinyproxy.conf"])
            url = "http://\(userinfo)127.0.0.1:\(port)"
            displayURL = "http://127.0.0.1:\(port)"
        case .microsocks:
            var arguments = ["-i", "127.0.0.1", "-p", "\(port)"]
            if let credentials { arguments += ["-u", credentials.user, "-P", credentials.password] }
            process = try ChildProcess("/usr/bin/microsocks", arguments)
            url = "socks5://\(userinfo)127.0.0.1:\(port)"
            displayURL = "socks5://127.0.0.1:\(port)"
        }
        try waitUntilListening()
    }

    /// Starts a proxy from a thread of its own (spawning and waiting block a thread; see `NginxServer.start`).
    public static func start(_ kind: Kind, credentials: Credentials? = nil) async throws -> LocalProxy {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try LocalProxy(kind, credentials: credentials) }) }
        }
    }

    /// An `http://` proxy URL on a 127.0.0.1 port where nothing listens: the dead proxy.
    public static func deadURL(scheme: String = "http") throws -> String {
        let (probe, port) = try LoopbackSocket.bind(listen: false)
        close(probe)
        return "\(scheme)://127.0.0.1:\(port)"
    }

    /// tinyproxy's log (requests it forwarded); empty for microsocks.
    public var log: String { (try? String(contentsOfFile: directory + "/tinyproxy.log", encoding: .utf8)) ?? "" }

    /// Stops the proxy and removes its directory. SIGKILL: a proxy keeps nothing worth a
    /// clean exit, and a test process may block SIGTERM in the children it spawns.
    public func stop() async {
        process.send(SIGKILL)
        _ = try? await process.wait(timeout: .seconds(5))
        try? FileManager.default.removeItem(atPath: directory)
    }

    private func waitUntilListening() throws {
        guard LoopbackPort.waitUntilListening(port, attempts: 150) else {
            process.send(SIGKILL)
            throw ChildProcess.Failure(description: "the proxy did not start listening on port \(port)")
        }
    }
}
