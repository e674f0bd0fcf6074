import ScrapeBase
import ScrapePages
import ScrapeCore
/// Why an API job stopped, naming the job and, when there is one, the page URL.
public struct APIError: Error, Sendable, CustomStringConvertible {
    /// The job's name.
    public let job: String
    /// The page being fetched, without credentials in its query.
    public let url: String?
    public let message: String

    public init(job: String, url: String? = nil, message: String) {
        self.job = job
        self.url = url
        self.message = message
    }

    public var description: String {
        if let url { return "job \(job): \(url): \(message)" }
        return "job \(job): \(message)"
    }
}
