extension Migrations {
    /// The queue and the leases in a narrow table of their own (issue 30), so a URL's `urls`
    /// row and its unique MD5 index are written once, by `add`, instead of three times.
    ///
    /// Before, a URL's state, attempts and lease were columns of its `urls` row: the claim
    /// and the finish each wrote a new version of the whole row (URL text, referrer, line),
    /// and, the state being in the partial indexes' predicates, a new entry in every index,
    /// the unique one on the URL's MD5 included (docs/frontier.md, "Where the time goes").
    ///
    /// - `queue`: one row per URL of a job not yet recorded (queued, or leased when
    ///   `lease_token` is set): its job, host, depth (crawl jobs), `not_before`, attempts and
    ///   lease. `add` and `crawl_links` insert it; the claim leases it; the finish deletes it
    ///   (a record) or clears its lease with a backoff (a retry); `reclaim` clears expired
    ///   leases. A URL's row in `urls` is its identity (text, line, host, depth, referrer,
    ///   seed): `state` there now says only whether the URL is admitted (0; 2 for a line
    ///   recorded at `add`, or a URL done before this version) or a crawl link not followed
    ///   (10-14). Done: admitted, without a queue row; its record is in `records`.
    /// - The claim's indexes move to `queue`; those of `urls` on state go, and so do the
    ///   lease columns of `urls` (a database migrating keeps its queued and leased URLs,
    ///   leases and tokens included: a worker of the old version holding one is refused by
    ///   the schema check anyway).
    /// - `claim`, `finish`, `reclaim`, `crawl_links` and `crawl_finish` are the functions of
    ///   version 5 on `queue`, with the same arguments and results. Locks are still taken
    ///   URLs first (their `queue` rows, by id), then hosts (by key).
    static let version6 = Migration(
        version: 6, summary: "queue and leases in a narrow table of their own",
        statements: [
            """
            CREATE TABLE scrape.queue (
                url_id bigint PRIMARY KEY REFERENCES scrape.urls ON DELETE CASCADE,
                job_id bigint NOT NULL,
                host text NOT NULL,
                depth integer,
                not_before timestamptz NOT NULL DEFAULT '-infinity',
                attempts integer NOT NULL DEFAULT 0,
                lease_token bigint,
                lease_owner text,
                lease_expires timestamptz)
            """,
            """
            INSERT INTO scrape.queue (url_id, job_id, host, depth, not_before, attempts, lease_token, lease_owner, lease_expires)
            SELECT id, job_id, host, depth, not_before, attempts,
                CASE WHEN state = 1 THEN lease_token END, CASE WHEN state = 1 THEN lease_owner END,
                CASE WHEN state = 1 THEN lease_expires END
            FROM scrape.urls WHERE state IN (0, 1) ORDER BY id
            """,
            "UPDATE scrape.urls SET state = 0 WHERE state = 1",
            "CREATE INDEX queue_claim ON scrape.queue (job_id, host, url_id) WHERE lease_token IS NULL",
            "CREATE INDEX queue_crawl_claim ON scrape.queue (job_id, host, depth, url_id) WHERE lease_token IS NULL AND depth IS NOT NULL",
            "CREATE INDEX queue_leased ON scrape.queue (job_id, lease_expires) WHERE lease_token IS NOT NULL",
            QueueFunctions.claim,
            QueueFunctions.finish,
            QueueFunctions.reclaim,
            QueueFunctions.crawlLinks,
            QueueFunctions.crawlFinish,
            "DROP INDEX scrape.urls_claim, scrape.urls_leased, scrape.urls_crawl_claim",
            """
            ALTER TABLE scrape.urls DROP COLUMN not_before, DROP COLUMN attempts, DROP COLUMN lease_token,
                DROP COLUMN lease_owner, DROP COLUMN lease_expires
            """,
            "ANALYZE scrape.queue",
        ])
}
