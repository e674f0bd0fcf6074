/// The life of one connection attempt, decided without the network.
///
/// Three parties move a connection on, all on its event loop: the bootstrap (the socket
/// could not be opened), the channel's handlers (the socket is up; the handshake succeeded;
/// how the connection ends; the channel is gone, its output flushed) and the runner (stop,
/// the run is over). This value type says what each event means and returns what to do; the
/// ``StreamConnection`` performs it. Generic over the channel so tests drive it with a
/// stand-in and no socket.
///
/// 1. `connecting`: TCP, then TLS, is under way; there is no channel to close yet, so a
///    stop is remembered and acted on by ``connected(_:)``.
/// 2. `handshaking`: the socket is up and the upgrade request out. A stop closes the socket.
/// 3. `open`: the handshake succeeded and the frame handler runs the connection. A stop
///    starts the close handshake with its code.
/// 4. `finished`: the end was reported. It absorbs everything after.
///
/// Handlers may say how the connection ends (``ended(_:)``) several times (an output failure,
/// then the socket's error, then its close): the first report is the one that counts. The
/// end itself is handed out only by ``channelClosed(otherwise:)`` or ``connectFailed(_:)``,
/// once the channel is closed and its output flushed, so the runner never touches the
/// recorder while the event loop still does (docs/ARCHITECTURE.md). After a stop request,
/// any end but an output failure is reported as ``ConnectionEnd/stopped``.
extension StreamConnection {
    struct StateMachine<Channel> {
        /// How the connection will end, as far as known while it lives.
        private struct Ending {
            /// The close code of the first stop request.
            var stopCode: UInt16?
            /// The first end a handler reported.
            var reported: ConnectionEnd?

            /// The end to hand out: the first report, else `otherwise`; a stopped run's end
            /// is ``ConnectionEnd/stopped`` unless it must end the run regardless.
            func final(otherwise: ConnectionEnd) -> ConnectionEnd {
                let end = reported ?? otherwise
                return stopCode != nil && !end.isFinal ? .stopped : end
            }
        }

        private enum State {
            case connecting(Ending)
            case handshaking(Channel, Ending)
            case open(Channel, Ending)
            case finished
        }

        /// What the ``StreamConnection`` does after an event.
        enum Action {
            case none
            /// Close the socket: a stop before the handshake completed (nothing to say goodbye on).
            case closeChannel(Channel)
            /// Send a close frame with `code` and wait for the server's (the frame handler
            /// does it): a stop of an open connection.
            case startClose(Channel, code: UInt16)
            /// Complete the connection's `end` with this; the channel is gone.
            case report(ConnectionEnd)
        }

        private var state = State.connecting(Ending())

        /// The socket is up (its channel became active, so no handshake answer can have
        /// come before).
        mutating func connected(_ channel: Channel) -> Action {
            switch state {
            case .connecting(let ending):
                state = .handshaking(channel, ending)
                return ending.stopCode == nil ? .none : .closeChannel(channel)
            case .finished:
                // Ended already (not expected: nothing ends a connection before its socket
                // is up but a failed connect); do not leave the socket open.
                return .closeChannel(channel)
            case .handshaking, .open:
                preconditionFailure("a connection's socket was opened twice")
            }
        }

        /// The bootstrap could not open the socket (DNS, refused, timed out, TLS set-up):
        /// there is no channel whose close to wait for.
        mutating func connectFailed(_ reason: String) -> Action {
            switch state {
            case .connecting(let ending):
                state = .finished
                return .report(ending.final(otherwise: .connectFailed(reason)))
            case .finished:
                return .none
            case .handshaking, .open:
                preconditionFailure("a connection's socket failed after it opened")
            }
        }

        /// The handshake succeeded; the frame handler runs the connection from now on.
        mutating func opened() {
            switch state {
            case .handshaking(let channel, let ending):
                state = .open(channel, ending)
            case .finished:
                break
            case .connecting, .open:
                preconditionFailure("a handshake succeeded on a connection that was not handshaking")
            }
        }

        /// A handler says how the connection ends; only the first report counts.
        mutating func ended(_ end: ConnectionEnd) {
            switch state {
            case .connecting(var ending):
                if ending.reported == nil { ending.reported = end }
                state = .connecting(ending)
            case .handshaking(let channel, var ending):
                if ending.reported == nil { ending.reported = end }
                state = .handshaking(channel, ending)
            case .open(let channel, var ending):
                if ending.reported == nil { ending.reported = end }
                state = .open(channel, ending)
            case .finished:
                break
            }
        }

        /// The channel is closed and the output flushed: the end can be reported, `otherwise`
        /// when no handler said how it ended.
        mutating func channelClosed(otherwise: ConnectionEnd) -> Action {
            switch state {
            case .connecting(let ending), .handshaking(_, let ending), .open(_, let ending):
                // Dropping the channel here also breaks the cycle channel → handlers →
                // connection → channel, which would keep every connection (and the run's
                // recorder) alive.
                state = .finished
                return .report(ending.final(otherwise: otherwise))
            case .finished:
                return .none
            }
        }

        /// The run is over: end the connection with a close frame carrying `code` when it is
        /// open, or by closing its socket before that. Only the first request counts.
        mutating func stopRequested(code: UInt16) -> Action {
            switch state {
            case .connecting(var ending):
                guard ending.stopCode == nil else { return .none }
                ending.stopCode = code
                state = .connecting(ending)
                return .none
            case .handshaking(let channel, var ending):
                guard ending.stopCode == nil else { return .none }
                ending.stopCode = code
                state = .handshaking(channel, ending)
                return .closeChannel(channel)
            case .open(let channel, var ending):
                guard ending.stopCode == nil else { return .none }
                ending.stopCode = code
                state = .open(channel, ending)
                return .startClose(channel, code: code)
            case .finished:
                return .none
            }
        }
    }
}

extension ConnectionEnd {
    /// Whether this end is the run's end regardless of a stop request (an output failure).
    var isFinal: Bool {
        if case .outputFailed = self { return true }
        return false
    }
}

/// For tests, which drive the machine with a stand-in channel.
extension StreamConnection.StateMachine.Action: Equatable where Channel: Equatable {}
