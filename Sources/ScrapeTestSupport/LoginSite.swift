import Hummingbird
import HTTPTypes
import NIOCore
import ScrapeBase

/// A site behind a form login, at `/login/SITE/…` (each test names its own SITE, so tests
/// sharing a server do not share sessions), for `login:` (issue 29).
///
/// - `GET /login/SITE/form`: a search form (no password), then `form#login` with a hidden
///   CSRF token (also set as the cookie `csrf`), `username`, `password`, an unchecked
///   `remember` box and a `go` button; `form#other` (its own password input) after it.
/// - `POST /login/SITE/session`: a urlencoded body with the token of this visitor's
///   `csrf` cookie, `username` ``user``, `password` ``password`` and `go=1` gets a new
///   session: `Set-Cookie: session=…; HttpOnly` and a 303 to `/login/SITE/home`; anything
///   else a 403 with the login page.
/// - `POST /login/SITE/api-login`: JSON `{"username": …, "password": …}` → 200 and the
///   session cookie, else 401.
/// - `GET /login/SITE/home`, `GET /login/SITE/page/N`: with a live session, `<title>Secret
///   N</title>`; without one the login page (status 200: a "soft" logout), or 401 when SITE
///   starts with `status`. When SITE has `-vK` in it (`expiring-v10`) a session serves K pages
///   (`home` aside),
///   then is over: a run of many pages must log in again. Pages 1 to 11 link to the next. When SITE has a part `once`, only
///   its first login succeeds.
///
/// ``logins(site:)`` counts sessions given.
public enum LoginSite {
    public static let user = "alice"
    public static let password = "s3cret pass&word"

    /// Sessions given to `site` so far, across the server's whole life.
    public static func logins(site: String) -> Int { state.withLock { $0.logins[site, default: 0] } }

    private struct State {
        var tokens: Set<String> = []
        /// Session id → pages served with it.
        var sessions: [String: Int] = [:]
        var logins: [String: Int] = [:]
        var next = 0
    }

    private static let state = Locked(State())

    static func register(on router: Router<TestRequestContext>) {
        router.get("/login/:site/form") { _, context in
            let site = try context.parameters.require("site")
            let token = state.withLock { state in
                state.next += 1
                let token = "t\(state.next)x\(UInt32.random(in: 0 ... .max))"
                state.tokens.insert(token)
                return token
            }
            var response = loginPage(site: site, token: token, status: .ok)
            response.headers.append(HTTPField(name: .setCookie, value: "csrf=\(token); Path=/login/\(site)"))
            return response
        }
        router.post("/login/:site/session") { request, context in
            let site = try context.parameters.require("site")
            let body = try await request.body.collect(upTo: 64 * 1024)
            let fields = formFields(String(buffer: body))
            let cookies = cookieValues(request.headers[.cookie])
            let valid = state.withLock { state in
                guard let token = fields["csrf"], token == cookies["csrf"], state.tokens.contains(token) else { return false }
                return true
            }
            let again = site.split(separator: "-").contains("once") && logins(site: site) > 0
            guard valid, !again, fields["username"] == user, fields["password"] == password, fields["go"] == "1", fields["remember"] == nil else {
                return loginPage(site: site, token: "expired", status: .forbidden)
            }
            let session = newSession(site: site)
            return Response(
                status: .seeOther,
                headers: [.location: "/login/\(site)/home", .setCookie: "session=\(session); Path=/login/\(site); HttpOnly"])
        }
        router.post("/login/:site/api-login") { request, context in
            let site = try context.parameters.require("site")
            let body = String(buffer: try await request.body.collect(upTo: 64 * 1024))
            guard request.headers[.contentType] == "application/json",
                  body == #"{"username":"\#(user)","password":"\#(password)","remember":false}"# else {
                return Response(status: .unauthorized, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: #"{"error":"bad login"}"#)))
            }
            let session = newSession(site: site)
            return Response(
                status: .ok, headers: [.contentType: "application/json", .setCookie: "session=\(session); Path=/login/\(site)"],
                body: .init(byteBuffer: ByteBuffer(string: #"{"ok":true}"#)))
        }
        router.get("/login/:site/home") { request, context in
            try page(request, context, name: "home", counted: false)
        }
        router.get("/login/:site/page/:n") { request, context in
            try page(request, context, name: try context.parameters.require("n"))
        }
    }

    private static func newSession(site: String) -> String {
        state.withLock { state in
            state.next += 1
            let session = "s\(state.next)x\(UInt32.random(in: 0 ... .max))"
            state.sessions[session] = 0
            state.logins[site, default: 0] += 1
            return session
        }
    }

    /// A page for a live session, or the logged-out answer; `counted` pages use up the
    /// session's K (the landing page after a login does not).
    private static func page(_ request: Request, _ context: TestRequestContext, name: String, counted: Bool = true) throws -> Response {
        let site = try context.parameters.require("site")
        let limit = site.split(separator: "-").first { $0.hasPrefix("v") }.flatMap { Int($0.dropFirst()) } ?? .max
        let session = cookieValues(request.headers[.cookie])["session"]
        let live = state.withLock { state in
            guard let session, let served = state.sessions[session], served < limit else { return false }
            if counted { state.sessions[session] = served + 1 }
            return true
        }
        guard live else {
            if site.hasPrefix("status") { return Response(status: .unauthorized, body: .init(byteBuffer: ByteBuffer(string: "log in first"))) }
            return loginPage(site: site, token: "none", status: .ok)
        }
        // Pages 1 to 11 link to the next, for crawls behind the login.
        let next = Int(name).flatMap { $0 < 12 ? "<a href=\"\($0 + 1)\">next</a>" : nil } ?? ""
        return html("<!doctype html><title>Secret \(name)</title><p>for members of \(site)</p>\(next)", status: .ok)
    }

    private static func loginPage(site: String, token: String, status: HTTPResponse.Status) -> Response {
        html(
            """
            <!doctype html><title>Log in</title>
            <form action="/search"><input name=q><button>Search</button></form>
            <form id=login method=post action="session">
              <input type=hidden name=csrf value="\(token)">
              <label>User <input name=username></label>
              <label>Password <input type=password name=password></label>
              <label><input type=checkbox name=remember value=yes> Remember me</label>
              <button type=submit name=go value=1>Log in</button>
              <button type=submit name=go value=2>Log in elsewhere</button>
            </form>
            <form id=other method=post action="other"><input type=password name=pin></form>
            """, status: status)
    }

    private static func html(_ text: String, status: HTTPResponse.Status) -> Response {
        Response(status: status, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// `a=b; c=d` as a map.
    static func cookieValues(_ header: String?) -> [String: String] {
        var values: [String: String] = [:]
        for pair in (header ?? "").split(separator: ";") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard parts.count == 2 else { continue }
            values[parts[0].trimmingCharacters(in: " ")] = String(parts[1])
        }
        return values
    }

    /// A urlencoded body as a map (`+` is a space, `%XX` a byte).
    static func formFields(_ body: String) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in body.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            fields[decode(parts[0])] = parts.count > 1 ? decode(parts[1]) : ""
        }
        return fields
    }

    private static func decode(_ text: Substring) -> String {
        var bytes: [UInt8] = []
        var index = text.utf8.startIndex
        let utf8 = text.utf8
        while index < utf8.endIndex {
            let byte = utf8[index]
            if byte == UInt8(ascii: "+") {
                bytes.append(0x20)
            } else if byte == UInt8(ascii: "%"), let high = utf8.index(index, offsetBy: 1, limitedBy: utf8.endIndex), high < utf8.endIndex,
                      let low = utf8.index(index, offsetBy: 2, limitedBy: utf8.endIndex), low < utf8.endIndex,
                      let value = UInt8(String(decoding: [utf8[high], utf8[low]], as: UTF8.self), radix: 16) {
                bytes.append(value)
                index = low
            } else {
                bytes.append(byte)
            }
            index = utf8.index(after: index)
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
