import ScrapeCore
import ScrapeHTTP
import ScrapePages

/// How a worker fetches one job's URLs: the page pipeline with the job's robots.txt
/// choice and its fields and metadata compiled (once per job and worker), and what the
/// job's records must hold.
struct JobFetcher: Sendable {
    let pipeline: PagePipeline
    /// The job's fields and metadata: records made without a page get their keys, null.
    let extraction: ScrapeConfiguration.Extraction

    /// - Parameter robots: the fleet's robots.txt cache, used when the job obeys it.
    /// - Throws: ``FrontierError/invalidFields(job:message:)`` when the job's stored fields
    ///   do not compile here (`add` checks them, so only a database written otherwise).
    init(job: FrontierJob, client: HTTPClient, robots: RobotsCache) throws(FrontierError) {
        do throws(ConfigurationError) {
            extraction = try job.extraction()
            pipeline = PagePipeline(
                client: client, robots: job.obeyRobots ? robots : nil, extractor: try extraction.pageExtractor(), extraction: extraction)
        } catch {
            throw .invalidFields(job: job.name, message: error.description)
        }
    }
}
