import Foundation
import Hummingbird
import NIOCore
import HTTPTypes

/// Routes for the cookie and header tests (issue 29), each an HTML page whose title says
/// what the request carried, so a run's records show it:
///
/// - `/session/set/NAME/VALUE`: sets the cookie `NAME=VALUE; Path=/` (host-only, a session
///   cookie); `?max_age=N` gives it `Max-Age=N` (`-1`: already expired), `?httponly=1`
///   makes it HttpOnly. Title `set NAME`.
/// - `/session/echo`: title `cookie: <the Cookie header>`, or `cookie: none`.
/// - `/session/header/NAME`: title `NAME: <the header's values, joined by ", ">`, or `NAME: none`.
/// - `/session/json?page=N`: the same for api jobs, as JSON (see the route).
public enum SessionRoutes {
    static func register(on router: Router<TestRequestContext>) {
        // `/session/json?page=N`, for api jobs: page 1 sets the cookie `api=1`; each page is
        // `{"items":[{"page":N,"cookie":"...","x_test":"..."}]}` with what the request carried.
        router.get("/session/json") { request, _ in
            let page = request.uri.queryParameters.get("page", as: Int.self) ?? 1
            let cookies = request.headers[values: .cookie]
            let xTest = request.headers[values: HTTPField.Name("X-Test")!]
            let item = #"{"page":\#(page),"cookie":"\#(cookies.isEmpty ? "none" : cookies.joined(separator: "; "))","x_test":"\#(xTest.first ?? "none")"}"#
            var headers: HTTPFields = [.contentType: "application/json"]
            if page == 1 { headers.append(HTTPField(name: .setCookie, value: "api=1; Path=/")) }
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: #"{"items":[\#(item)]}"#)))
        }
        router.get("/session/set/:name/:value") { request, context in
            let name = try context.parameters.require("name")
            let value = try context.parameters.require("value")
            var cookie = "\(name)=\(value); Path=/"
            if let maxAge = request.uri.queryParameters.get("max_age", as: Int.self) { cookie += "; Max-Age=\(maxAge)" }
            if request.uri.queryParameters.get("httponly") == "1" { cookie += "; HttpOnly" }
            return page(title: "set \(name)", extra: [HTTPField(name: .setCookie, value: cookie)])
        }
        router.get("/session/echo") { request, _ in
            let cookies = request.headers[values: .cookie]
            return page(title: "cookie: " + (cookies.isEmpty ? "none" : cookies.joined(separator: "; ")))
        }
        router.get("/session/header/:name") { request, context in
            let name = try context.parameters.require("name")
            let values = HTTPField.Name(name).map { request.headers[values: $0] } ?? []
            return page(title: "\(name): " + (values.isEmpty ? "none" : values.joined(separator: ", ")))
        }
    }

    private static func page(title: String, extra: [HTTPField] = []) -> Response {
        var headers = HTTPFields(extra)
        headers[.contentType] = "text/html; charset=utf-8"
        let escaped = title.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: "<!doctype html><title>\(escaped)</title><p>ok")))
    }
}
