import Glibc

/// A port on 127.0.0.1 that a server started as a child process (nginx, tinyproxy,
/// microsocks) should be listening on.
enum LoopbackPort {
    /// Whether a TCP connection to `port` succeeds, trying every 20 ms up to `attempts` times.
    static func waitUntilListening(_ port: Int, attempts: Int) -> Bool {
        for _ in 0..<attempts {
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = UInt16(port).bigEndian
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            close(descriptor)
            if connected == 0 { return true }
            usleep(20_000)
        }
        return false
    }
}
