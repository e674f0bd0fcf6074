import Foundation

/// A throwaway PostgreSQL 15 cluster on 127.0.0.1 for the fleet-mode tests: the real
/// server, started by `scripts/pg-cluster.sh` (initdb in a temporary directory, run as
/// the `postgres` user when the tests run as root, as in CI), on a free port.
///
/// ``shared`` starts once per test process and stops when the process exits; each suite
/// takes a database of its own from it (``createDatabase(_:)``). A test that stops and
/// starts PostgreSQL starts a cluster of its own (``start()``) so it disturbs no other.
public final class PostgresCluster: Sendable {
    /// The cluster's directory (data, log, socket).
    public let directory: String
    /// `postgres://postgres:scrape@127.0.0.1:PORT`, without a database.
    public let serverURL: String

    /// Why a cluster could not be run.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    private init(directory: String, serverURL: String) {
        self.directory = directory
        self.serverURL = serverURL
    }

    /// The process's cluster, started at first use and stopped at exit.
    public static func shared() async throws -> PostgresCluster {
        try await SharedCluster.instance.get()
    }

    /// A cluster of the caller's own; ``stop()`` it at the end. With `tls`, it takes TLS
    /// connections with a self-signed certificate (`DIRECTORY/server.crt`).
    public static func start(tls: Bool = false) async throws -> PostgresCluster {
        let directory = "/tmp/scrape-pg-test-\(getpid())-\(UUID().uuidString.prefix(8))"
        let result = try await script(["start", directory], environment: tls ? ["PG_SSL": "on"] : [:])
        guard let url = result.split(separator: "\n").last, url.hasPrefix("postgres://") else {
            throw Failure(description: "pg-cluster.sh start printed no URL: \(result)")
        }
        let server = String(url.dropLast("/postgres".count))
        return PostgresCluster(directory: directory, serverURL: server)
    }

    /// A new, empty database; returns its URL (TLS off: loopback).
    public func createDatabase(_ name: String) async throws -> String {
        let database = "\(name.lowercased())_\(UUID().uuidString.prefix(8).lowercased())"
        _ = try await Self.script(["createdb", directory, database])
        return "\(serverURL)/\(database)?sslmode=disable"
    }

    /// Stops the server as a crash would, then starts it again on the same port.
    public func restart() async throws { _ = try await Self.script(["restart", directory]) }

    /// Stops the server (data kept); ``resume()`` starts it again.
    public func halt() async throws { _ = try await Self.script(["halt", directory]) }

    /// Starts a halted server again on its port.
    public func resume() async throws { _ = try await Self.script(["resume", directory]) }

    /// Stops the server and removes its directory.
    public func stop() async throws { _ = try await Self.script(["stop", directory]) }

    /// Runs `scripts/pg-cluster.sh`; returns its stdout, throws with its stderr.
    static func script(_ arguments: [String], environment: [String: String] = [:]) async throws -> String {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("scripts/pg-cluster.sh").path
        let result = try await ChildProcess("/bin/bash", [path] + arguments, environment: environment).wait(timeout: .seconds(120))
        guard result.status == 0 else {
            throw Failure(description: "pg-cluster.sh \(arguments.joined(separator: " ")) failed (\(result.status)): \(result.stderr)")
        }
        return result.stdout
    }
}

/// Starts the shared cluster once, however many suites ask at once, and stops it when
/// the test process exits.
private actor SharedCluster {
    static let instance = SharedCluster()
    private var starting: Task<PostgresCluster, any Error>?

    func get() async throws -> PostgresCluster {
        if let starting { return try await starting.value }
        let task = Task { try await PostgresCluster.start() }
        starting = task
        let cluster = try await task.value
        SharedClusterDirectory.path = cluster.directory
        atexit {
            guard let directory = SharedClusterDirectory.path else { return }
            let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent("scripts/pg-cluster.sh").path
            // At exit there is no event loop to wait on: a plain blocking shell.
            _ = system("/bin/bash '\(path)' stop '\(directory)' >/dev/null 2>&1")
        }
        return cluster
    }
}

/// The shared cluster's directory, for the exit handler (a C function pointer captures nothing).
private enum SharedClusterDirectory {
    nonisolated(unsafe) static var path: String?
}
