import Hummingbird
import NIOCore
import HTTPTypes

/// Servers with the validator habits `--since` must cope with (issue 28), at
/// `/revisit/KIND/NAME`; each page is `<title>KIND NAME</title><h1>NAME</h1>`.
///
/// - `weak`: a weak `ETag` (`W/"v1-NAME"`) and no `Last-Modified`; 304 only when
///   `If-None-Match` is that value byte for byte.
/// - `date`: only `Last-Modified` (``lastModified``); 304 only when `If-Modified-Since`
///   is that string byte for byte (the date is not parsed).
/// - `ignore`: both validators, but every request gets a 200 with the same body.
/// - `refresh`: `ETag: "v1"` on a 200; to `If-None-Match: "v1"` a 304 with new validators
///   (`"v2"`, ``refreshedLastModified``); to `"v2"` a 304 with only a new
///   `Last-Modified` (``secondRefreshLastModified``), so a third run shows which it sent.
/// - `counter`: a body and a strong `ETag` that change with every request.
public enum RevisitRoutes {
    public static let lastModified = "Mon, 07 Dec 2026 10:00:00 GMT"
    public static let refreshedLastModified = "Mon, 07 Dec 2026 11:00:00 GMT"
    public static let secondRefreshLastModified = "Mon, 07 Dec 2026 12:00:00 GMT"

    static func register(on router: Router<TestRequestContext>) {
        let counter = AttemptCounter()
        router.get("/revisit/:kind/:name") { request, context in
            let kind = try context.parameters.require("kind")
            let name = try context.parameters.require("name")
            let ifNoneMatch = request.headers[.ifNoneMatch]
            let ifModifiedSince = request.headers[.ifModifiedSince]
            switch kind {
            case "weak":
                let etag = #"W/"v1-\#(name)""#
                if ifNoneMatch == etag { return notModified([.eTag: etag]) }
                return page(kind, name, [.eTag: etag])
            case "date":
                if ifModifiedSince == lastModified { return notModified([:]) }
                return page(kind, name, [.lastModified: lastModified])
            case "ignore":
                return page(kind, name, [.eTag: #""same""#, .lastModified: lastModified])
            case "refresh":
                switch ifNoneMatch {
                case #""v1""#: return notModified([.eTag: #""v2""#, .lastModified: refreshedLastModified])
                case #""v2""#: return notModified([.lastModified: secondRefreshLastModified])
                default: return page(kind, name, [.eTag: #""v1""#, .lastModified: lastModified])
                }
            case "counter":
                let number = counter.next(name)
                return page(kind, "\(name) \(number)", [.eTag: "\"\(number)\""])
            default:
                return Response(status: .notFound)
            }
        }
    }

    private static func page(_ kind: String, _ name: String, _ validators: HTTPFields) -> Response {
        var headers = validators
        headers[.contentType] = "text/html; charset=utf-8"
        return Response(
            status: .ok, headers: headers,
            body: .init(byteBuffer: ByteBuffer(string: "<!doctype html><title>\(kind) \(name)</title><h1>\(name)</h1>")))
    }

    private static func notModified(_ validators: HTTPFields) -> Response {
        Response(status: .notModified, headers: validators)
    }
}
