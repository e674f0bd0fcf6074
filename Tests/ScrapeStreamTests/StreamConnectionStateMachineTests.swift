import ScrapeCore
import Testing

@testable import ScrapeStream

/// The life of one connection as values: what each event does, with a number standing in
/// for the channel. No socket, no event loop.
@Suite struct StreamConnectionStateMachineTests {
    typealias Machine = StreamConnection.StateMachine<Int>

    /// A machine whose socket (channel 7) is up.
    private static func handshaking() -> Machine {
        var machine = Machine()
        #expect(machine.connected(7) == .none)
        return machine
    }

    /// A machine whose handshake succeeded on channel 7.
    private static func open() -> Machine {
        var machine = handshaking()
        machine.opened()
        return machine
    }

    @Test func aFailedConnectIsReportedAtOnce() {
        var machine = Machine()
        #expect(machine.connectFailed("refused") == .report(.connectFailed("refused")))
        #expect(machine.connectFailed("again") == .none)
        #expect(machine.channelClosed(otherwise: .dropped("x")) == .none)
    }

    @Test func theEndIsReportedOnlyWhenTheChannelIsClosed() {
        var machine = Self.open()
        // A report returns no action: the channel still lives and its output is not yet
        // flushed, so there is nothing to hand the runner.
        machine.ended(.closedByServer(code: 1001, reason: "restart"))
        #expect(machine.channelClosed(otherwise: .dropped("eof")) == .report(.closedByServer(code: 1001, reason: "restart")))
        #expect(machine.channelClosed(otherwise: .dropped("eof")) == .none)
    }

    @Test func theFirstReportCounts() {
        var machine = Self.open()
        machine.ended(.violation(code: 1002, reason: "reserved bits"))
        machine.ended(.dropped("reset by peer"))
        #expect(machine.channelClosed(otherwise: .dropped("eof")) == .report(.violation(code: 1002, reason: "reserved bits")))
    }

    @Test func withoutAReportTheChannelsCloseSaysHowItEnded() {
        var machine = Self.open()
        #expect(machine.channelClosed(otherwise: .dropped("the server closed the TCP connection")) == .report(.dropped("the server closed the TCP connection")))
    }

    @Test func aReportDuringTheConnectWinsOverTheConnectsFailure() {
        // The handshake timer fired while TCP was still connecting, then closed the socket.
        var machine = Machine()
        machine.ended(.connectFailed("no handshake answer within 10 s"))
        #expect(machine.connectFailed("operation cancelled") == .report(.connectFailed("no handshake answer within 10 s")))
    }

    @Test func aStopWhileConnectingClosesTheSocketOnceItIsUp() {
        var machine = Machine()
        #expect(machine.stopRequested(code: 1001) == .none)
        #expect(machine.connected(7) == .closeChannel(7))
        #expect(machine.channelClosed(otherwise: .connectFailed("closed before the answer")) == .report(.stopped))
    }

    @Test func aStopWhileConnectingTurnsAFailedConnectIntoStopped() {
        var machine = Machine()
        _ = machine.stopRequested(code: 1001)
        #expect(machine.connectFailed("refused") == .report(.stopped))
    }

    @Test func aStopDuringTheHandshakeClosesTheSocket() {
        var machine = Self.handshaking()
        #expect(machine.stopRequested(code: 1001) == .closeChannel(7))
        #expect(machine.channelClosed(otherwise: .connectFailed("closed")) == .report(.stopped))
    }

    @Test func aStopOfAnOpenConnectionStartsTheCloseHandshakeOnce() {
        var machine = Self.open()
        #expect(machine.stopRequested(code: 1000) == .startClose(7, code: 1000))
        #expect(machine.stopRequested(code: 1001) == .none)  // the first code stands
        machine.ended(.closedByServer(code: 1000, reason: ""))
        #expect(machine.channelClosed(otherwise: .dropped("eof")) == .report(.stopped))
    }

    @Test func anOutputFailureEndsTheRunEvenAfterAStop() {
        let failure = OutputError(path: "out.jsonl", reason: "No space left on device")
        var machine = Self.open()
        _ = machine.stopRequested(code: 1001)
        machine.ended(.outputFailed(failure))
        #expect(machine.channelClosed(otherwise: .stopped) == .report(.outputFailed(failure)))
    }

    @Test func afterTheEndNothingHappens() {
        var machine = Self.open()
        _ = machine.channelClosed(otherwise: .dropped("eof"))
        machine.ended(.stopped)
        #expect(machine.stopRequested(code: 1001) == .none)
        #expect(machine.connectFailed("late") == .none)
        #expect(machine.channelClosed(otherwise: .stopped) == .none)
    }
}
