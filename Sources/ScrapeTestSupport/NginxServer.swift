import Foundation

/// nginx from Debian on 127.0.0.1, serving a few static files over HTTPS with HTTP/2,
/// for the tests where a real TLS server matters (ALPN, certificate checks, multiplexing).
///
/// Each instance gets its own directory, self-signed certificate (made with the
/// `openssl` command), config, pid file and free port, and is stopped by ``stop()``.
/// `make test` installs `nginx-light` and `openssl`.
public final class NginxServer: Sendable {
    /// The HTTPS port.
    public let port: Int
    /// PEM file of the self-signed certificate, to trust as a CA file.
    public let certificatePath: String
    /// The plain HTTP/1.1 port, when asked for (``init(files:serverDirectives:plainHTTP:)``):
    /// for runs of the `scrape` binary, which has no flag to trust a test certificate.
    public let httpPort: Int?
    /// The folder the files are served from: a test rewrites them between runs (nginx
    /// derives `ETag` and `Last-Modified` from each file's size and modification time).
    public let root: String
    private let directory: String

    /// Why nginx could not be started.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Writes the files and starts nginx; returns once it accepts connections.
    ///
    /// - Parameter files: file name to content, served from the root.
    /// - Parameter serverDirectives: extra lines for the `server` block (a `location` that
    ///   proxies WebSocket upgrades to an in-process server, for `wss://` tests).
    /// - Parameter plainHTTP: also listen for plain HTTP/1.1 on ``httpPort``.
    public init(files: [String: String], serverDirectives: String = "", plainHTTP: Bool = false) throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("scrape-nginx-\(UUID().uuidString)").path
        let root = directory + "/www"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: directory)
        for (name, content) in files {
            try content.write(toFile: root + "/" + name, atomically: true, encoding: .utf8)
        }
        certificatePath = directory + "/cert.pem"
        try Self.run("/usr/bin/openssl", [
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
            "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
            "-keyout", directory + "/key.pem", "-out", certificatePath,
        ])
        let (probe, port) = try LoopbackSocket.bind(listen: false)
        var httpPort: Int?
        var httpListen = ""
        if plainHTTP {
            let (httpProbe, number) = try LoopbackSocket.bind(listen: false)
            close(httpProbe)
            httpPort = number
            httpListen = "listen 127.0.0.1:\(number);"
        }
        close(probe)  // free again; nginx binds it next (a race only with another process)
        self.port = port
        self.httpPort = httpPort
        self.root = root
        self.directory = directory
        let config = """
            worker_processes 1;
            daemon on;
            pid \(directory)/nginx.pid;
            error_log \(directory)/error.log warn;
            events { worker_connections 256; }
            http {
                access_log off;
                default_type text/html;
                client_body_temp_path \(directory);
                proxy_temp_path \(directory);
                fastcgi_temp_path \(directory);
                uwsgi_temp_path \(directory);
                scgi_temp_path \(directory);
                server {
                    listen 127.0.0.1:\(port) ssl http2;
                    \(httpListen)
                    ssl_certificate \(certificatePath);
                    ssl_certificate_key \(directory)/key.pem;
                    root \(root);
                    \(serverDirectives)
                }
            }
            """
        try config.write(toFile: directory + "/nginx.conf", atomically: true, encoding: .utf8)
        try Self.run("/usr/sbin/nginx", ["-c", directory + "/nginx.conf", "-p", directory])
        try waitUntilListening()
    }

    /// Starts nginx from a thread of its own and returns once it accepts connections.
    ///
    /// Making the key, spawning nginx and waiting for its port block a thread for a few
    /// hundred milliseconds. On a thread of Swift's cooperative pool (two threads on two
    /// cores) that stalled every other test's async work, the in-process test server's
    /// handlers among them: a politeness test saw six requests sent 100 ms apart handled
    /// within 1 ms, a second late.
    public static func start(files: [String: String], serverDirectives: String = "", plainHTTP: Bool = false) async throws -> NginxServer {
        try await offPool { try NginxServer(files: files, serverDirectives: serverDirectives, plainHTTP: plainHTTP) }
    }

    /// ``stop()`` from a thread of its own (it waits up to a second for nginx to exit).
    public func stopped() async {
        _ = try? await Self.offPool { self.stop() }
    }

    /// Runs blocking work on a new thread and awaits its result.
    private static func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try work() }) }
        }
    }

    /// `https://127.0.0.1:PORT`.
    public var baseURL: String { "https://127.0.0.1:\(port)" }

    /// `http://127.0.0.1:HTTPPORT`, when started with `plainHTTP`.
    public var httpBaseURL: String? { httpPort.map { "http://127.0.0.1:\($0)" } }

    /// Stops nginx and removes its directory.
    public func stop() {
        if let pid = try? String(contentsOfFile: directory + "/nginx.pid", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines), let number = Int32(pid)
        {
            kill(number, SIGQUIT)
            for _ in 0..<100 where kill(number, 0) == 0 { usleep(10_000) }
        }
        try? FileManager.default.removeItem(atPath: directory)
    }

    private func waitUntilListening() throws {
        guard LoopbackPort.waitUntilListening(port, attempts: 100) else {
            throw Failure(description: "nginx did not start listening on port \(port)")
        }
    }

    /// Runs a command to completion with posix_spawn and waitpid (Foundation's `Process`
    /// did not notice nginx's daemonising parent exit when run from many test tasks at once).
    private static func run(_ executable: String, _ arguments: [String]) throws {
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw Failure(description: "\(executable) is missing: run `make test`, which installs nginx-light and openssl")
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        guard spawned == 0 else {
            throw Failure(description: "could not start \(executable): errno \(spawned)")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        // WIFEXITED and WEXITSTATUS are macros Swift does not import.
        let exited = status & 0x7f == 0
        let code = (status >> 8) & 0xff
        guard exited, code == 0 else {
            throw Failure(description: "\(executable) \(arguments.first ?? "") failed (wait status \(status))")
        }
    }
}
