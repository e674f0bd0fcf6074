import Glibc
import ScrapeBase
public import ScrapeHTTP

/// What every request of one run carries besides its own: the run's headers
/// (`http.headers`, `--header`) and its cookie jar (`http.cookies`, `--cookies`), with the
/// file the jar is kept in (`http.cookie_jar`, `--cookie-jar`).
///
/// A run is one `scrape run`, one `scrape crawl`, one `scrape api` job, one daemon job run
/// (with the parents its `resolve:` fetches), one fleet job in one worker: each opens its
/// own session, so no two runs, jobs or workers ever share cookies.
///
/// Lifecycle:
/// 1. ``open(_:inputs:)`` at the start of the run, before anything is fetched: the jar is
///    made, its file (if any) locked, checked and loaded. A file that cannot be used stops
///    the run there (exit 2 for a locked or foreign file, as for outputs).
/// 2. Every request goes out through ``defaults`` (``FetchRequest/Prepared/applying(_:)``):
///    the headers it lacks, and the jar. A login step fetches and posts with the same.
/// 3. ``close()`` at the end of the run, cancelled (SIGINT, SIGTERM, a drain) or not:
///    the jar is saved to its file and the lock released. Saving again is harmless
///    (``save()``), so a caller may save at checkpoints too.
public final class RunSession: Sendable {
    /// The headers and jar each request of the run gets unless it has its own.
    public let defaults: RequestDefaults
    /// The file the jar is kept in; nil without `cookie_jar`.
    private let file: Locked<CookieJarFile?>

    /// The run's cookie jar; nil when cookies are off.
    public var cookieJar: CookieJar? { defaults.cookieJar }

    /// A session with nothing to add (cookies off, no headers): applying it changes nothing.
    public static var none: RunSession { RunSession(defaults: .none, file: nil) }

    private init(defaults: RequestDefaults, file: sending CookieJarFile?) {
        self.defaults = defaults
        self.file = Locked(file)
    }

    /// Opens the session `http` describes (see the type's lifecycle, step 1).
    ///
    /// - Parameter inputs: the files the run reads and its output (`-` ignored), which the
    ///   jar file must not be.
    /// - Throws: ``Failure``.
    public static func open(_ http: ScrapeConfiguration.HTTP, inputs: [String] = []) throws(Failure) -> RunSession {
        guard http.usesCookies || http.headers.count > 0 else { return .none }
        var jar: CookieJar?
        if http.usesCookies {
            do throws(HTTPClientError) {
                jar = try CookieJar()
            } catch {
                throw .client(error)
            }
        }
        var file: CookieJarFile?
        if let path = http.cookieJar, let jar {
            do throws(OutputError) {
                let opened = try CookieJarFile(path: path, inputs: inputs.filter { $0 != "-" })
                do throws(NetscapeCookieLine.FormatError) {
                    try jar.add(netscapeLines: opened.lines)
                } catch {
                    opened.close()
                    throw OutputError(path: "cookie jar \(path)", reason: "not a Netscape cookie file (\(error))", kind: .refused)
                }
                file = opened
            } catch {
                throw .cookieJar(error)
            }
        }
        let defaults: RequestDefaults
        do throws(HTTPClientError) {
            defaults = try RequestDefaults(headers: http.headers, cookieJar: jar)
        } catch {
            file?.close()
            throw .client(error)
        }
        return RunSession(defaults: defaults, file: file)
    }

    /// Saves the jar to its file, if it has one (see ``CookieJarFile/save(_:)``).
    ///
    /// - Throws: ``OutputError`` when the file cannot be written; it then holds what it held.
    public func save() throws(OutputError) {
        guard let jar = cookieJar else { return }
        try file.withLock { file throws(OutputError) in
            guard let open = file else { return }
            try open.save(jar)
        }
    }

    /// Saves the jar and releases its file; later calls do nothing.
    ///
    /// - Throws: ``OutputError`` when the save fails (the lock is released all the same).
    public func close() throws(OutputError) {
        guard let jar = cookieJar else { return }
        try file.withLock { file throws(OutputError) in
            guard let open = file else { return }
            file = nil
            defer { open.close() }
            try open.save(jar)
        }
    }

    /// Why a session could not be opened.
    public enum Failure: Error, Sendable, CustomStringConvertible {
        /// The jar file cannot be used (locked, not a cookie file, unreadable).
        case cookieJar(OutputError)
        /// curl could not make the jar, or a header is not one a request can carry.
        case client(HTTPClientError)

        public var description: String {
            switch self {
            case .cookieJar(let error): "\(error)"
            case .client(let error): "\(error.message)"
            }
        }
    }
}
