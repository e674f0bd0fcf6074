import Foundation

/// A datagram socket that plays systemd's side of the notify protocol for tests: the
/// daemon under test gets its path as `NOTIFY_SOCKET` and every message it sends is kept
/// with its arrival time.
public final class NotifySocket: @unchecked Sendable {
    /// One datagram.
    public struct Message: Sendable {
        public let text: String
        public let received: ContinuousClock.Instant

        /// The `KEY=value` lines as a dictionary.
        public var fields: [String: String] {
            var fields: [String: String] = [:]
            for line in text.split(separator: "\n") {
                guard let equals = line.firstIndex(of: "=") else { continue }
                fields[String(line[..<equals])] = String(line[line.index(after: equals)...])
            }
            return fields
        }
    }

    /// The socket's path, for `NOTIFY_SOCKET`.
    public let path: String
    private let descriptor: Int32
    /// `path` as a socket address: bound in `init`, sent to by ``fill()``.
    private let address: sockaddr_un
    private let lock = NSLock()
    private var received: [Message] = []

    /// Binds a new socket at `path` (at most 107 bytes).
    public init(path: String) throws {
        self.path = path
        unlink(path)
        descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw ChildProcess.Failure(description: "socket: errno \(errno)") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            throw ChildProcess.Failure(description: "socket path too long: \(path)")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in bytes.enumerated() { raw[index] = byte }
        }
        self.address = address
        let bound = withUnsafePointer(to: address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0 else { throw ChildProcess.Failure(description: "bind \(path): errno \(errno)") }
    }

    deinit {
        close(descriptor)
        unlink(path)
    }

    /// Every message so far (reads what is waiting first).
    public var messages: [Message] {
        drain()
        lock.lock()
        defer { lock.unlock() }
        return received
    }

    /// Waits until a message satisfies `match`, at most `timeout`; returns it.
    public func wait(for timeout: Duration = .seconds(30), where match: (Message) -> Bool) async throws -> Message {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let found = messages.first(where: match) { return found }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw ChildProcess.Failure(description: "no matching notify message within \(timeout); got: \(messages.map(\.text))")
    }

    /// Plays a supervisor that has stopped reading: fills the socket's queue with datagrams
    /// of its own until the kernel refuses more (`net.unix.max_dgram_qlen`), so the next
    /// sender finds it full. Returns how many it took. ``clear()`` empties it again.
    @discardableResult
    public func fill() throws -> Int {
        let sender = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard sender >= 0 else { throw ChildProcess.Failure(description: "socket: errno \(errno)") }
        defer { close(sender) }
        var sent = 0
        while sent < 100_000 {
            let result = withUnsafePointer(to: address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(sender, "FILLER=1", 8, Int32(MSG_DONTWAIT | MSG_NOSIGNAL), $0, socklen_t(MemoryLayout<sockaddr_un>.size))
                }
            }
            guard result >= 0 else {
                if errno == EAGAIN || errno == EWOULDBLOCK { return sent }
                throw ChildProcess.Failure(description: "sendto \(path): errno \(errno)")
            }
            sent += 1
        }
        throw ChildProcess.Failure(description: "\(path) took 100,000 datagrams without filling up")
    }

    /// Forgets the messages so far.
    public func clear() {
        drain()
        lock.lock()
        received.removeAll()
        lock.unlock()
    }

    private func drain() {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { return }
            let message = Message(text: String(decoding: buffer[0..<count], as: UTF8.self), received: .now)
            lock.lock()
            received.append(message)
            lock.unlock()
        }
    }
}
