public import Foundation

/// A child process with its standard streams in files, for tests that run the built
/// `scrape` binary: exit status, stdout, stderr, and signals.
///
/// posix_spawn and a polling `waitpid(WNOHANG)`, so waiting never blocks a thread of
/// the cooperative pool and every wait has a deadline.
public final class ChildProcess: Sendable {
    /// The process id.
    public let pid: pid_t
    private let directory: String

    /// Why a child could not be run or waited for.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String

        public init(description: String) {
            self.description = description
        }
    }

    /// What a finished child left.
    public struct Result: Sendable {
        /// The exit status, or 128 + signal number when a signal ended it.
        public let status: Int32
        public let stdout: String
        public let stderr: String
    }

    /// Starts `executable` with `arguments`; stdin comes from `stdinPath` (default /dev/null).
    /// stdout goes to a file read back by ``wait(timeout:)``, or to `stdoutPath` (a FIFO the
    /// test reads, to play the part of `| head -1`). `environment` entries are added to (or
    /// replace) this process's environment.
    ///
    /// - Important: a FIFO given as `stdinPath` or `stdoutPath` must already be open at the
    ///   test's end (`O_RDWR`), or opening it in the child blocks the spawn.
    public init(
        _ executable: String, _ arguments: [String], stdinPath: String = "/dev/null", stdoutPath: String? = nil,
        environment: [String: String] = [:]
    ) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("scrape-child-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, stdinPath, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdoutPath ?? directory + "/stdout", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, directory + "/stderr", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var merged = ProcessInfo.processInfo.environment
        merged.merge(environment) { $1 }
        let envp = merged.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { envp.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        guard spawned == 0 else { throw Failure(description: "cannot start \(executable): errno \(spawned)") }
        self.pid = pid
    }

    /// Sends `signal` to the child.
    public func send(_ signal: Int32) {
        kill(pid, signal)
    }

    /// Waits until the child exits, at most `timeout`; kills it and throws after that.
    public func wait(timeout: Duration = .seconds(30)) async throws -> Result {
        let deadline = ContinuousClock.now + timeout
        var status: Int32 = 0
        while true {
            let waited = waitpid(pid, &status, WNOHANG)
            if waited == pid { break }
            if waited < 0, errno != EINTR { throw Failure(description: "waitpid failed: errno \(errno)") }
            if ContinuousClock.now > deadline {
                kill(pid, SIGKILL)
                _ = waitpid(pid, &status, 0)
                throw Failure(description: "child \(pid) did not exit within \(timeout)")
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        let signal = status & 0x7f
        let code = signal == 0 ? (status >> 8) & 0xff : 128 + signal
        let result = Result(status: code, stdout: read("stdout"), stderr: read("stderr"))
        try? FileManager.default.removeItem(atPath: directory)
        return result
    }

    /// The stdout written so far.
    public var currentStdout: String { read("stdout") }

    /// The stderr written so far.
    public var currentStderr: String { read("stderr") }

    private func read(_ name: String) -> String {
        (try? String(contentsOfFile: directory + "/" + name, encoding: .utf8)) ?? ""
    }

    /// The path of an executable built beside the running test bundle (`.build/debug/NAME`).
    public static func builtProduct(_ name: String) -> String {
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var directory = executable.deletingLastPathComponent()
        // The bundle may be a directory (`scrapePackageTests.xctest/...`) or a file beside the products.
        while !FileManager.default.fileExists(atPath: directory.appendingPathComponent(name).path), directory.path != "/" {
            directory = directory.deletingLastPathComponent()
        }
        return directory.appendingPathComponent(name).path
    }
}
