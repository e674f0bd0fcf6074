import ScrapeBase

/// The stderr lines of `scrape ws`, and the daemon's log messages for `ws:` jobs.
public enum StreamLog {
    /// `connected (connection 2, permessage-deflate)`, or a close and what happens next.
    public static func line(for event: StreamEvent) -> String {
        switch event {
        case .connected(let number, let compression, let subprotocol):
            var extras: [String] = []
            if compression { extras.append("permessage-deflate") }
            if let subprotocol { extras.append("subprotocol \(subprotocol)") }
            return "connected (connection \(number)\(extras.isEmpty ? "" : ", " + extras.joined(separator: ", ")))"
        case .ended(let end, .reconnect(let delay)):
            return "\(end.description); reconnecting in \(delay.secondsDescription)"
        case .ended(let end, .finish):
            return end.description
        }
    }

    /// `1000 messages (52.3 KB) in 1 connection`.
    public static func summary(messages: Int, bytes: Int, connections: Int) -> String {
        let size = bytes >= 1_000_000 ? "\(Double(bytes / 10_000) / 100) MB" : bytes >= 1000 ? "\(Double(bytes / 10) / 100) KB" : "\(bytes) B"
        return "\(messages) message\(messages == 1 ? "" : "s") (\(size)) in \(connections) connection\(connections == 1 ? "" : "s")"
    }
}
