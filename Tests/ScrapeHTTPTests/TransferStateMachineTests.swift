@testable import ScrapeHTTP
import Testing

/// The continuation is resumed exactly once, whatever order start, cancel and complete come in.
struct TransferStateMachineTests {
    private struct Probe: Error {}

    /// Runs `body` with a real continuation and returns how it was resumed.
    private func outcome(_ body: (Transfer.StateMachine.Continuation) -> Void) async -> String {
        do {
            _ = try await withUnsafeThrowingContinuation { body($0) }
            return "completed"
        } catch is CancellationError {
            return "cancelled"
        } catch {
            return "failed"
        }
    }

    @Test func startThenComplete() async {
        let result = await outcome { continuation in
            var machine = Transfer.StateMachine()
            guard case .submit = machine.start(continuation) else { Issue.record("not submitted"); return }
            #expect(!machine.isFinished)
            guard let resumable = machine.complete() else { Issue.record("no continuation"); return }
            #expect(machine.isFinished)
            #expect(machine.complete() == nil)
            guard case .none = machine.cancel() else { Issue.record("cancel after completion acted"); return }
            resumable.resume(throwing: Probe())
        }
        #expect(result == "failed")
    }

    @Test func startThenCancelThenComplete() async {
        let result = await outcome { continuation in
            var machine = Transfer.StateMachine()
            _ = machine.start(continuation)
            guard case .resumeCancelledAndAbort(let resumable) = machine.cancel() else {
                Issue.record("cancel did not abort"); return
            }
            #expect(machine.complete() == nil)
            resumable.resume(throwing: CancellationError())
        }
        #expect(result == "cancelled")
    }

    @Test func cancelBeforeStartResumesAtOnceAndSubmitsNothing() async {
        let result = await outcome { continuation in
            var machine = Transfer.StateMachine()
            guard case .none = machine.cancel() else { Issue.record("cancel before start acted"); return }
            #expect(machine.isFinished)
            guard case .resumeCancelled(let resumable) = machine.start(continuation) else {
                Issue.record("start after cancel submitted"); return
            }
            resumable.resume(throwing: CancellationError())
        }
        #expect(result == "cancelled")
    }

    @Test func secondCancelDoesNothing() async {
        let result = await outcome { continuation in
            var machine = Transfer.StateMachine()
            _ = machine.start(continuation)
            guard case .resumeCancelledAndAbort(let resumable) = machine.cancel() else { Issue.record("no abort"); return }
            guard case .none = machine.cancel() else { Issue.record("second cancel acted"); return }
            resumable.resume(throwing: CancellationError())
        }
        #expect(result == "cancelled")
    }
}
