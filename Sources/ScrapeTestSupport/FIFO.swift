import Foundation

/// A FIFO opened read-write by the test (a pipe to or from a child process), so it stays
/// open (a producer that is slow, or a reader that is there) and opening it in the child
/// never blocks.
public final class FIFO: Sendable {
    public let path: String
    public let descriptor: Int32

    public init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("fifo-\(UUID().uuidString)").path
        guard mkfifo(path, 0o600) == 0 else { throw ChildProcess.Failure(description: "mkfifo: errno \(errno)") }
        descriptor = open(path, O_RDWR | O_CLOEXEC)  // not inherited: the child must not hold our end
    }

    public func write(_ text: String) {
        _ = text.withCString { Glibc.write(descriptor, $0, strlen($0)) }
    }

    /// Reads what is there, waiting up to `timeout` for a first byte.
    public func readLine(timeout: Duration) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        var bytes: [UInt8] = []
        var waiting = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        while !bytes.contains(UInt8(ascii: "\n")), ContinuousClock.now < deadline {
            if poll(&waiting, 1, 0) == 1 {
                var byte: UInt8 = 0
                if Glibc.read(descriptor, &byte, 1) == 1 { bytes.append(byte) }
            } else {
                try await Task.sleep(for: .milliseconds(10))
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    public func close() {
        Glibc.close(descriptor)
        unlink(path)
    }
}
