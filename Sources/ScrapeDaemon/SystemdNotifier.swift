import Glibc

/// Speaks systemd's notify protocol (sd_notify(3)): one datagram per message to the
/// `AF_UNIX` socket named by `$NOTIFY_SOCKET`, a path or, with a leading `@`, an abstract
/// socket. Without `NOTIFY_SOCKET` (a terminal, a test) every call does nothing, so the
/// daemon runs the same either way.
///
/// Written here rather than linked from libsystemd: the protocol is a single `sendto`,
/// and the binary then runs on machines without systemd's libraries.
public struct SystemdNotifier: Sendable {
    /// The socket address, or nil when not run under a notify-aware supervisor.
    private let address: [UInt8]?
    /// Half of `$WATCHDOG_USEC` when systemd asks for watchdog pings (and `$WATCHDOG_PID`,
    /// when set, is us); nil otherwise.
    public let watchdogInterval: Duration?

    /// Reads `NOTIFY_SOCKET`, `WATCHDOG_USEC` and `WATCHDOG_PID` from `environment`.
    public init(environment: [String: String]) {
        if let path = environment["NOTIFY_SOCKET"], !path.isEmpty, path.utf8.count < 108 {
            var bytes = Array(path.utf8)
            if bytes.first == UInt8(ascii: "@") { bytes[0] = 0 }
            address = bytes
        } else {
            address = nil
        }
        let pidMatches = environment["WATCHDOG_PID"].map { Int32($0) == getpid() } ?? true
        if pidMatches, let text = environment["WATCHDOG_USEC"], let microseconds = Int64(text), microseconds > 0 {
            watchdogInterval = .microseconds(microseconds / 2)
        } else {
            watchdogInterval = nil
        }
    }

    /// The daemon is up (control server listening, work started).
    public func ready(status: String) { send("READY=1\nSTATUS=\(status)") }
    /// A line for `systemctl status`.
    public func status(_ text: String) { send("STATUS=\(text)") }
    /// The engine's loop is alive.
    public func watchdog() { send("WATCHDOG=1") }
    /// A reload began (`READY=1` follows when it is done). No `MONOTONIC_USEC`: that is for
    /// `Type=notify-reload` (systemd 253+); the unit uses `Type=notify` with `ExecReload=`.
    public func reloading() { send("RELOADING=1") }
    /// Shutdown began.
    public func stopping(status: String) { send("STOPPING=1\nSTATUS=\(status)") }

    /// How long a send may wait for room in the supervisor's queue before the message is
    /// dropped.
    ///
    /// A datagram to a socket whose queue holds `net.unix.max_dgram_qlen` unread messages
    /// (10 by default; systemd raises it to 512 and reads at once) blocks the sender. A
    /// supervisor that stops reading, or a script that reads only now and then, once left two
    /// of the daemon's threads in `sendto` for good, and with them the whole cooperative pool:
    /// SIGTERM was logged and the process never exited. A late STATUS or WATCHDOG is worth
    /// less than a daemon that keeps working.
    static let sendTimeout = timeval(tv_sec: 0, tv_usec: 100_000)

    /// Sends one datagram; failures are ignored (sd_notify does the same: the supervisor
    /// may be gone, and the daemon must not stop over it), and a full queue is waited on for
    /// at most ``sendTimeout``.
    public func send(_ message: String) {
        guard let address else { return }
        let descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { return }
        defer { close(descriptor) }
        var timeout = Self.sendTimeout
        _ = setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var socketAddress = sockaddr_un()
        socketAddress.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &socketAddress.sun_path) { path in
            for (index, byte) in address.enumerated() { path[index] = byte }
        }
        // Abstract names are exactly as long as given; paths include their terminating NUL.
        let pathLength = address.first == 0 ? address.count : address.count + 1
        let length = socklen_t(MemoryLayout<sa_family_t>.size + pathLength)
        var bytes = Array(message.utf8)
        _ = withUnsafePointer(to: &socketAddress) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                bytes.withUnsafeMutableBytes { sendto(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL), raw, length) }
            }
        }
    }
}
