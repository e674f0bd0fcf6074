import Testing

@testable import ScrapeFrontier

/// The worker's life as a value: stop, failures, the end of claiming and of writing, and
/// what `run()` ends with, in every order the loops and a signal can bring them.
@Suite struct FrontierWorkerStateMachineTests {
    typealias Machine = FrontierWorker.StateMachine
    static let lost = FrontierError.databaseUnreachable(url: "postgres://u@h:5432/d", waited: .seconds(300), lastError: "refused", setting: nil)
    static let refused = FrontierError.database("permission denied")

    @Test func aWorkingWorkerClaimsWhetherIdleOrNot() {
        let machine = Machine()
        #expect(machine.claimStep(idle: true) == .claim)
        #expect(machine.claimStep(idle: false) == .claim)
        #expect(!machine.writerEnds(pendingEmpty: true), "the writer outlives idle spells")
    }

    @Test func stopWakesTheClaimLoopOnce() {
        var machine = Machine()
        #expect(machine.stop() == .wakeClaimLoop)
        #expect(machine.stop() == .none, "a second signal")
        #expect(machine.claimStep(idle: false) == .waitForFetchesInHand)
        #expect(machine.claimStep(idle: true) == .endClaiming)
        #expect(!machine.writerEnds(pendingEmpty: true), "the writer waits for the claim loop's end")
    }

    @Test func theWriterEndsAfterTheClaimLoopOnceNothingIsPending() {
        var machine = Machine()
        _ = machine.stop()
        #expect(machine.claimLoopEnded() == .flushLastBatch)
        #expect(machine.claimStep(idle: true) == .endClaiming)
        #expect(!machine.writerEnds(pendingEmpty: false))
        #expect(machine.writerEnds(pendingEmpty: true))
        #expect(machine.end(thrown: nil, cancelled: false) == .markExitedAndReturn)
    }

    /// `--until-empty`: the claim loop ends on its own, with no stop.
    @Test func claimingCanEndWithoutAStop() {
        var machine = Machine()
        #expect(machine.claimLoopEnded() == .flushLastBatch)
        #expect(machine.writerEnds(pendingEmpty: true))
        #expect(machine.stop() == .none, "a signal while the last batch is written")
        #expect(machine.end(thrown: nil, cancelled: false) == .markExitedAndReturn)
    }

    @Test func aLeaseLoopFailureStopsTheWorkerAndIsThrownAtTheEnd() {
        var machine = Machine()
        #expect(machine.leaseLoopFailed(Self.lost) == .wakeClaimLoop)
        #expect(machine.claimStep(idle: true) == .endClaiming)
        _ = machine.claimLoopEnded()
        #expect(machine.end(thrown: nil, cancelled: false) == .throwError(Self.lost))
    }

    /// The failure caused the stop: what the loops threw on their way out is its echo.
    @Test func theKeptFailureWinsOverWhatTheLoopsThrew() {
        var machine = Machine()
        _ = machine.leaseLoopFailed(Self.lost)
        #expect(machine.end(thrown: Self.refused, cancelled: false) == .throwError(Self.lost))
    }

    @Test func theFirstFailureIsKept() {
        var machine = Machine()
        _ = machine.leaseLoopFailed(Self.lost)
        #expect(machine.leaseLoopFailed(Self.refused) == .none)
        #expect(machine.end(thrown: nil, cancelled: false) == .throwError(Self.lost))
    }

    /// A signal first, then the database goes: the stop is under way, the failure is still
    /// what the run ends with.
    @Test func aFailureAfterAStopIsKept() {
        var machine = Machine()
        _ = machine.stop()
        #expect(machine.leaseLoopFailed(Self.lost) == .none)
        #expect(machine.end(thrown: nil, cancelled: false) == .throwError(Self.lost))
    }

    @Test func aFailureWhileDrainingIsKept() {
        var machine = Machine()
        _ = machine.stop()
        _ = machine.claimLoopEnded()
        #expect(machine.leaseLoopFailed(Self.lost) == .none)
        #expect(machine.writerEnds(pendingEmpty: true))
        #expect(machine.end(thrown: nil, cancelled: false) == .throwError(Self.lost))
    }

    /// The claim loop threw (a statement refused): no claimLoopEnded, the error is thrown.
    @Test func aClaimLoopErrorIsThrown() {
        var machine = Machine()
        #expect(machine.end(thrown: Self.refused, cancelled: false) == .throwError(Self.refused))
    }

    /// The drain's deadline cancelled the run: a statement it cut off is no failure, and
    /// the daemon exits cleanly.
    @Test func whatACancelledRunThrowsIsNoFailure() {
        var machine = Machine()
        _ = machine.stop()
        #expect(machine.end(thrown: .database("cancelled"), cancelled: true) == .markExitedAndReturn)
        var failed = Machine()
        _ = failed.leaseLoopFailed(Self.lost)
        #expect(failed.end(thrown: .database("cancelled"), cancelled: true) == .throwError(Self.lost), "a failure before the cancel stands")
    }

    @Test func nothingMovesAFinishedRun() {
        var machine = Machine()
        _ = machine.claimLoopEnded()
        _ = machine.end(thrown: nil, cancelled: false)
        #expect(machine.stop() == .none)
        #expect(machine.leaseLoopFailed(Self.lost) == .none)
        #expect(machine.claimStep(idle: false) == .endClaiming)
    }
}
