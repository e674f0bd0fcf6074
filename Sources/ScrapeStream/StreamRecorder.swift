public import ScrapeCore

/// Turns received messages into stream records (DESIGN.md, "Stream record") and appends
/// them to the output, counting as it goes.
///
/// Confined to the stream's event loop: the channel handler calls it for each message,
/// the runner only between connections. That is why it is `@unchecked Sendable`.
public final class StreamRecorder: @unchecked Sendable {
    /// The output; records are whole lines, written in arrival order.
    public let writer: RecordWriter
    /// Stop after this many records (`--max-messages`), nil for no limit.
    public let maxMessages: Int?
    /// `{"url":"...","connection":` built once.
    private let prefix: [UInt8]
    /// The connection number records carry (1-based, per run).
    var connection = 0
    /// Connections opened this run.
    public var connectionCount: Int { connection }
    /// Records written this run: the last record's `seq`.
    public private(set) var messages = 0
    /// Payload bytes received this run (after inflating).
    public private(set) var bytes = 0
    /// Called after each record with the payload's size (the daemon's metrics).
    private let onMessage: (@Sendable (Int) -> Void)?

    public init(url: String, writer: RecordWriter, maxMessages: Int?, onMessage: (@Sendable (Int) -> Void)? = nil) {
        self.writer = writer
        self.maxMessages = maxMessages
        self.onMessage = onMessage
        var prefix = Array(#"{"url":"#.utf8)
        JSONLineEncoder.appendString(url, to: &prefix)
        prefix.append(contentsOf: #","connection":"#.utf8)
        self.prefix = prefix
    }

    /// Whether the run has all the records it asked for.
    var isComplete: Bool { maxMessages.map { messages >= $0 } ?? false }

    /// Writes `message`'s record.
    ///
    /// - Throws: ``OutputError`` when the output cannot be written.
    func record(_ message: Message) throws(OutputError) {
        messages += 1
        bytes += message.payload.count
        let seq = messages
        let connection = connection
        try writer.appendLine { line in
            line.append(contentsOf: prefix)
            JSONLineEncoder.appendInt(connection, to: &line)
            line.append(contentsOf: #","seq":"#.utf8)
            JSONLineEncoder.appendInt(seq, to: &line)
            line.append(contentsOf: #","received_at":""#.utf8)
            Timestamp.now.append(to: &line)
            Self.appendTypeAndData(message, to: &line)
            line.append(contentsOf: "}\n".utf8)
        }
        onMessage?(message.payload.count)
    }

    /// `","type":"json","data":...`: a text message that is one JSON value is kept as
    /// that value (its bytes as sent, whitespace dropped, so long integers keep their
    /// digits), other text as a string, binary as base64.
    static func appendTypeAndData(_ message: Message, to line: inout [UInt8]) {
        switch message.kind {
        case .binary:
            line.append(contentsOf: #"","type":"binary","data":""#.utf8)
            Base64.append(message.payload, to: &line)
            line.append(UInt8(ascii: "\""))
        case .text:
            if let value = try? JSONParser.parse(message.payload) {
                line.append(contentsOf: #"","type":"json","data":"#.utf8)
                line.append(contentsOf: value.compactBytes(in: message.payload))
            } else {
                line.append(contentsOf: #"","type":"text","data":"#.utf8)
                JSONLineEncoder.appendString(utf8: message.payload, to: &line)
            }
        }
    }
}
