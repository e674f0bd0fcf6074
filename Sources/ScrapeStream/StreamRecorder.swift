public import ScrapeCore
import ScrapeBase

/// Turns received messages into stream records (docs/ARCHITECTURE.md, "Stream record") and appends
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
    /// Connections opened this run: the number records carry (1-based).
    public internal(set) var connection = 0
    /// Records written this run: the last record's `seq`.
    public private(set) var messages = 0
    /// Payload bytes received this run (after inflating).
    public private(set) var bytes = 0
    /// Called after each record with the payload's size (the daemon's metrics).
    private let onMessage: (@Sendable (Int) -> Void)?
    /// `received_at` up to the seconds (`2026-11-30T12:00:01.`) for the second it was made
    /// in: at stream rates most messages share their second with the one before.
    private var secondPrefix: (second: Int64, bytes: [UInt8]) = (-1, [])

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
            appendTimestamp(.now, to: &line)
            Self.appendTypeAndData(message, to: &line)
            line.append(contentsOf: "}\n".utf8)
        }
        onMessage?(message.payload.count)
    }

    /// `timestamp` as ``Timestamp`` writes it, the part up to the seconds reused from the
    /// last call in the same second.
    private func appendTimestamp(_ timestamp: Timestamp, to line: inout [UInt8]) {
        let (second, milliseconds) = timestamp.millisecondsSinceEpoch.quotientAndRemainder(dividingBy: 1000)
        if second != secondPrefix.second {
            var full: [UInt8] = []
            Timestamp(millisecondsSinceEpoch: second * 1000).append(to: &full)
            secondPrefix = (second, Array(full.dropLast(4)))  // without "000Z"
        }
        line.append(contentsOf: secondPrefix.bytes)
        let ms = Int(milliseconds < 0 ? milliseconds + 1000 : milliseconds)
        line.append(UInt8(ascii: "0") + UInt8(ms / 100))
        line.append(UInt8(ascii: "0") + UInt8(ms / 10 % 10))
        line.append(UInt8(ascii: "0") + UInt8(ms % 10))
        line.append(UInt8(ascii: "Z"))
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
            let mark = line.count
            line.append(contentsOf: #"","type":"json","data":"#.utf8)
            if !JSONCompactor.appendCompacted(message.payload, to: &line) {
                line.removeSubrange(mark...)
                line.append(contentsOf: #"","type":"text","data":"#.utf8)
                JSONLineEncoder.appendString(utf8: message.payload, to: &line)
            }
        }
    }
}
