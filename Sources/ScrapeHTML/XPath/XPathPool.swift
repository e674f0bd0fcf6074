import CLibXML2
import ScrapeBase

/// Lends ``XPathWorkspace``s to the threads that extract fields: one per thread at a
/// time, made on first need, kept for the next page. The pool grows to the number of
/// threads that ever extract at once (the parsing threads, one per core) and no further.
///
/// Expressions are compiled once per workspace, not per page.
final class XPathPool: Sendable {
    /// The expressions, in the order fields refer to them.
    let expressions: [String]
    private let idle: Locked<[XPathWorkspace]> = Locked([])

    init(expressions: [String]) {
        self.expressions = expressions
    }

    /// Runs `body` with a workspace no other thread uses meanwhile.
    ///
    /// Also silences libxml2's thread-wide error handlers on this thread (the few
    /// evaluation errors that skip the context's callback, e.g. "object(s) left on the
    /// stack", would print to stderr): nothing else in the process uses libxml2's
    /// handlers.
    func withWorkspace<Result>(_ body: (XPathWorkspace) -> Result) -> Result {
        Self.silenceThreadErrors()
        let workspace = idle.withLock { $0.popLast() } ?? XPathWorkspace(expressions: expressions)
        defer { idle.withLock { $0.append(workspace) } }
        return body(workspace)
    }

    private static func silenceThreadErrors() {
        xmlSetStructuredErrorFunc(nil) { _, _ in }
        xmlSetGenericErrorFunc(nil, unsafeBitCast(silentGeneric, to: xmlGenericErrorFunc.self))
    }

    /// A do-nothing generic handler. libxml2 declares the type variadic, which Swift cannot
    /// write; on the platforms we build for, a function that reads only its fixed
    /// arguments is safe to call through a variadic pointer.
    private static let silentGeneric: @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<CChar>?) -> Void = { _, _ in }
}
