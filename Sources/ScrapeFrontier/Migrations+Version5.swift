extension Migrations {
    /// Crawl jobs (issue 27, `add --crawl`): workers add the links of each page they fetch.
    ///
    /// - `crawls`: one row per crawl job: its rules as `scrape crawl`'s flags give them, and
    ///   the counts of distinct URLs found as links by outcome (kept by ``crawlLinks``, so
    ///   `status` reads counters, never the URL table).
    /// - `urls.depth`, `referrer`, `seed`: a crawl URL's depth (seeds 0), the page through
    ///   which it got that depth, and the id of its seed (null for a seed: itself). NULL
    ///   depth: a URL of a list job. Links not followed are rows too (so each is counted
    ///   once, and a URL skipped for depth or scope can be followed when a later page
    ///   reaches it within the rules): state 10 offsite, 11 depth, 12 denied, 13 not_http,
    ///   14 max_pages; they are in no host's count and not in `jobs.urls`.
    /// - `crawl_depths`: per crawl job and depth, the URLs not yet recorded (queued or
    ///   leased): the claim's depth barrier reads the lowest.
    /// - `crawl_found`: seeds found as links (the `duplicate` count, each seed once).
    /// - `claim` (redefined): for a crawl job, only URLs at most one depth below the lowest
    ///   unrecorded one, lowest depth first; returns depth, referrer and the seed's URL.
    /// - `crawl_finish`: `finish` for batches with crawl pages: their links go in first,
    ///   in the same transaction as their records.
    static let version5 = Migration(
        version: 5, summary: "crawl jobs: links added by workers, depth barrier",
        statements: [
            """
            CREATE TABLE scrape.crawls (
                job_id bigint PRIMARY KEY REFERENCES scrape.jobs ON DELETE CASCADE,
                scope text NOT NULL,
                max_depth integer,
                max_pages bigint,
                allow text[] NOT NULL DEFAULT '{}',
                deny text[] NOT NULL DEFAULT '{}',
                follow text NOT NULL,
                links_found bigint NOT NULL DEFAULT 0,
                links_followed bigint NOT NULL DEFAULT 0,
                links_offsite bigint NOT NULL DEFAULT 0,
                links_depth bigint NOT NULL DEFAULT 0,
                links_denied bigint NOT NULL DEFAULT 0,
                links_duplicate bigint NOT NULL DEFAULT 0,
                links_not_http bigint NOT NULL DEFAULT 0,
                links_max_pages bigint NOT NULL DEFAULT 0)
            """,
            "ALTER TABLE scrape.urls ADD COLUMN depth integer, ADD COLUMN referrer text, ADD COLUMN seed bigint",
            "CREATE INDEX urls_crawl_claim ON scrape.urls (job_id, host, depth, id) WHERE state = 0 AND depth IS NOT NULL",
            """
            CREATE TABLE scrape.crawl_depths (
                job_id bigint NOT NULL REFERENCES scrape.jobs ON DELETE CASCADE,
                depth integer NOT NULL,
                unrecorded bigint NOT NULL DEFAULT 0,
                PRIMARY KEY (job_id, depth))
            """,
            "CREATE TABLE scrape.crawl_found (url_id bigint PRIMARY KEY REFERENCES scrape.urls ON DELETE CASCADE)",
            "DROP FUNCTION scrape.claim(bigint, text, integer, interval, interval, interval)",
            claim,
            crawlLinks,
            crawlFinish,
        ])

    /// The claim of version 3 with the crawl's depth barrier: for a crawl job, a URL at
    /// depth `d` is claimed only when no URL at depth `d - 2` or less is unrecorded
    /// (docs/frontier.md, "Crawl jobs"), and a host's URLs go lowest depth first.
    static let claim = """
        CREATE FUNCTION scrape.claim(
            p_job bigint, p_worker text, p_limit integer, p_lease interval, p_horizon interval, p_give_up interval)
        RETURNS TABLE (o_id bigint, o_url text, o_host text, o_attempts integer, o_token bigint,
                       o_delay_ms double precision, o_give_up boolean, o_line bytea,
                       o_depth integer, o_referrer text, o_seed_url text)
        LANGUAGE plpgsql AS $$
        DECLARE
            j scrape.jobs%ROWTYPE;
            h record;
            spacing interval;
            h_spacing interval;
            wanted integer;
            ids bigint[];
            got integer;
            slot timestamptz;
            token bigint;
            taken integer := 0;
            now_ timestamptz := clock_timestamp();
            giving_up boolean;
            probing boolean;
            is_crawl boolean;
            reach integer;
        BEGIN
            SELECT * INTO j FROM scrape.jobs WHERE id = p_job;
            IF NOT FOUND THEN RETURN; END IF;
            is_crawl := EXISTS (SELECT 1 FROM scrape.crawls WHERE job_id = p_job);
            IF is_crawl THEN
                -- The barrier: one depth past the lowest with a URL not yet recorded.
                SELECT min(d.depth) + 1 INTO reach FROM scrape.crawl_depths d WHERE d.job_id = p_job AND d.unrecorded > 0;
                IF reach IS NULL THEN RETURN; END IF;
            END IF;
            spacing := CASE WHEN j.per_host_rate IS NULL THEN interval '0'
                            ELSE make_interval(secs => 1.0 / j.per_host_rate) END;
            token := nextval('scrape.lease_tokens');
            FOR pass IN 1..2 LOOP
                EXIT WHEN taken >= p_limit;
                FOR h IN
                    SELECT * FROM scrape.hosts hh
                    WHERE hh.job_id = p_job AND hh.queued > 0 AND hh.in_flight < j.per_host_concurrency
                      AND hh.next_at <= now_ + p_horizon
                      AND (hh.open_until IS NULL OR hh.open_until <= now_)
                      AND (NOT is_crawl OR EXISTS (
                          SELECT 1 FROM scrape.urls u WHERE u.job_id = p_job AND u.host = hh.host AND u.state = 0
                              AND u.depth IS NOT NULL AND u.depth <= reach AND u.not_before <= now_))
                    ORDER BY hh.next_at
                    LIMIT p_limit
                    FOR UPDATE SKIP LOCKED
                LOOP
                    h_spacing := greatest(spacing, coalesce(h.crawl_delay, interval '0'));
                    slot := greatest(h.next_at, now_);
                    giving_up := h.broken_since IS NOT NULL AND now_ - h.broken_since > p_give_up;
                    probing := h.open_until IS NOT NULL AND NOT giving_up;
                    wanted := least(p_limit - taken, j.per_host_concurrency - h.in_flight);
                    IF pass = 1 THEN wanted := least(wanted, greatest(1, (p_limit + 7) / 8)); END IF;
                    IF probing THEN
                        wanted := 1;
                    ELSIF h_spacing > interval '0' AND NOT giving_up THEN
                        wanted := least(wanted, 1 + floor(extract(epoch FROM (now_ + p_horizon - slot))
                                                          / extract(epoch FROM h_spacing))::integer);
                    END IF;
                    CONTINUE WHEN wanted <= 0;
                    IF is_crawl THEN
                        SELECT array_agg(c.id ORDER BY c.depth, c.id) INTO ids FROM (
                            SELECT u.id, u.depth FROM scrape.urls u
                            WHERE u.job_id = p_job AND u.host = h.host AND u.state = 0 AND u.depth IS NOT NULL
                              AND u.depth <= reach AND u.not_before <= now_
                            ORDER BY u.depth, u.id LIMIT wanted FOR UPDATE SKIP LOCKED) c;
                    ELSE
                        SELECT array_agg(c.id ORDER BY c.id) INTO ids FROM (
                            SELECT u.id FROM scrape.urls u
                            WHERE u.job_id = p_job AND u.host = h.host AND u.state = 0 AND u.not_before <= now_
                            ORDER BY u.id LIMIT wanted FOR UPDATE SKIP LOCKED) c;
                    END IF;
                    got := coalesce(array_length(ids, 1), 0);
                    CONTINUE WHEN got = 0;
                    RETURN QUERY
                        UPDATE scrape.urls u
                        SET state = 1, attempts = u.attempts + 1, lease_token = token, lease_owner = p_worker,
                            lease_expires = now_ + p_lease
                        FROM unnest(ids) WITH ORDINALITY AS t(id, n)
                        WHERE u.id = t.id
                        RETURNING u.id, u.url, u.host, u.attempts, token,
                            CASE WHEN giving_up THEN 0::double precision
                                 ELSE greatest(0, extract(epoch FROM (slot + h_spacing * (t.n - 1) - clock_timestamp())) * 1000)
                            END,
                            giving_up, u.line, u.depth, u.referrer,
                            CASE WHEN u.depth IS NULL THEN NULL WHEN u.seed IS NULL THEN u.url
                                 ELSE (SELECT s.url FROM scrape.urls s WHERE s.id = u.seed) END;
                    UPDATE scrape.hosts
                    SET queued = queued - got, in_flight = in_flight + got,
                        next_at = CASE WHEN giving_up THEN next_at ELSE slot + h_spacing * got END,
                        open_until = CASE WHEN probing THEN now_ + p_lease ELSE open_until END,
                        probe_out = probe_out OR probing
                    WHERE job_id = p_job AND host = h.host;
                    taken := taken + got;
                    EXIT WHEN taken >= p_limit;
                END LOOP;
            END LOOP;
        END $$
        """

    /// The links of one crawl job's recorded pages, as `scrape crawl`'s state takes them
    /// (`CrawlState.record`): each URL once (its key is unique in the job); a new link
    /// queued at its page's depth + 1 (or kept as skipped: offsite, depth, denied,
    /// not_http, max_pages); a queued URL found closer moved up; one skipped for depth or
    /// scope that is now within the rules queued. The caller holds the job's row lock, so
    /// the crawl finishes of one job run one at a time here (and `--max-pages`, counted
    /// against `jobs.urls`, holds exactly). Returns how many URLs were queued.
    static let crawlLinks = """
        CREATE FUNCTION scrape.crawl_links(
            p_job bigint, p_pages bigint[], p_link_pages bigint[], p_link_urls text[], p_link_hosts text[],
            p_link_kinds smallint[])
        RETURNS integer
        LANGUAGE plpgsql AS $$
        DECLARE
            c scrape.crawls%ROWTYPE;
            budget bigint;
            n_hosts text[];
            n_depths integer[];
            n_states smallint[];
            n_old_states smallint[];
            n_old_depths integer[];
            seeds_found integer;
            n_queued integer;
        BEGIN
            SELECT * INTO c FROM scrape.crawls WHERE job_id = p_job;
            IF NOT FOUND THEN RETURN 0; END IF;
            SELECT CASE WHEN c.max_pages IS NULL THEN NULL ELSE greatest(0, c.max_pages - j.urls) END INTO budget
            FROM scrape.jobs j WHERE j.id = p_job;
            WITH l AS (
                -- each URL once: followable before skipped, then the closest, then discovery order
                SELECT DISTINCT ON (x.url) x.url, x.host, x.kind, p.depth + 1 AS depth, p.url AS referrer,
                    coalesce(p.seed, p.id) AS seed, x.n
                FROM unnest(p_link_pages, p_link_urls, p_link_hosts, p_link_kinds) WITH ORDINALITY AS x(page, url, host, kind, n)
                JOIN scrape.urls p ON p.id = x.page
                WHERE p.id = ANY(p_pages) AND p.job_id = p_job
                ORDER BY x.url, x.kind <> 0, p.depth, x.n),
            known AS (
                SELECT l.*, u.id AS uid, u.state AS ustate, u.depth AS udepth
                FROM l LEFT JOIN scrape.urls u ON u.job_id = p_job AND u.line IS NULL AND md5(u.url) = md5(l.url) AND u.url = l.url),
            decided AS (
                SELECT k.*,
                    CASE WHEN k.uid IS NULL THEN
                             CASE WHEN k.kind <> 0 THEN k.kind
                                  WHEN c.max_depth IS NOT NULL AND k.depth > c.max_depth THEN 11::smallint
                                  ELSE 0::smallint END
                         WHEN k.kind = 0 AND k.ustate = 0 AND k.depth < k.udepth THEN 0::smallint
                         WHEN k.kind = 0 AND k.ustate IN (10, 11) AND (c.max_depth IS NULL OR k.depth <= c.max_depth) THEN 0::smallint
                    END AS to_state,
                    -- whether it needs room under --max-pages (a URL newly queued)
                    (k.uid IS NULL OR k.ustate <> 0) AS admits
                FROM known k),
            numbered AS (
                SELECT d.*, row_number() OVER (PARTITION BY d.to_state = 0 AND d.admits ORDER BY d.depth, d.n) AS place
                FROM decided d),
            settled AS (
                SELECT n.*,
                    CASE WHEN n.to_state = 0 AND n.admits AND budget IS NOT NULL AND n.place > budget
                         THEN CASE WHEN n.uid IS NULL THEN 14::smallint END
                         ELSE n.to_state END AS state_
                FROM numbered n),
            inserted AS (
                INSERT INTO scrape.urls (job_id, url, host, state, depth, referrer, seed)
                SELECT p_job, f.url, f.host, f.state_, f.depth, f.referrer, f.seed FROM settled f
                WHERE f.uid IS NULL AND f.state_ IS NOT NULL
                ORDER BY f.depth, f.n
                ON CONFLICT DO NOTHING
                RETURNING host, depth, state, NULL::smallint AS old_state, NULL::integer AS old_depth),
            moved AS (
                UPDATE scrape.urls u SET state = 0, depth = f.depth, referrer = f.referrer, seed = f.seed, host = f.host
                FROM settled f
                WHERE f.uid IS NOT NULL AND f.state_ = 0 AND u.id = f.uid AND u.state = f.ustate AND u.depth = f.udepth
                RETURNING u.host, u.depth, u.state, f.ustate AS old_state, f.udepth AS old_depth),
            found_seeds AS (
                INSERT INTO scrape.crawl_found (url_id)
                SELECT k.uid FROM known k WHERE k.uid IS NOT NULL AND k.udepth = 0
                ON CONFLICT DO NOTHING RETURNING 1),
            changed AS (SELECT * FROM inserted UNION ALL SELECT * FROM moved)
            SELECT coalesce(array_agg(host), '{}'), coalesce(array_agg(depth), '{}'), coalesce(array_agg(state), '{}'),
                   coalesce(array_agg(old_state), '{}'), coalesce(array_agg(old_depth), '{}'),
                   (SELECT count(*) FROM found_seeds)
            INTO n_hosts, n_depths, n_states, n_old_states, n_old_depths, seeds_found
            FROM changed;
            -- Counters: hosts' queues, the job's admitted URLs, unrecorded per depth, links by outcome.
            SELECT count(*) INTO n_queued FROM unnest(n_states, n_old_states) AS x(s, o) WHERE x.s = 0 AND x.o IS DISTINCT FROM 0;
            INSERT INTO scrape.hosts (job_id, host, queued)
            SELECT p_job, x.h, count(*) FROM unnest(n_hosts, n_states, n_old_states) AS x(h, s, o)
            WHERE x.s = 0 AND x.o IS DISTINCT FROM 0 GROUP BY x.h ORDER BY x.h
            ON CONFLICT (job_id, host) DO UPDATE SET queued = scrape.hosts.queued + excluded.queued;
            INSERT INTO scrape.crawl_depths (job_id, depth, unrecorded)
            SELECT p_job, x.d, sum(x.n) FROM (
                SELECT d AS d, 1 AS n FROM unnest(n_depths, n_states) AS y(d, s) WHERE y.s = 0
                UNION ALL
                SELECT od, -1 FROM unnest(n_old_depths, n_old_states) AS z(od, os) WHERE z.os = 0) x
            GROUP BY x.d ORDER BY x.d
            ON CONFLICT (job_id, depth) DO UPDATE SET unrecorded = scrape.crawl_depths.unrecorded + excluded.unrecorded;
            UPDATE scrape.jobs SET urls = urls + n_queued WHERE id = p_job AND n_queued > 0;
            UPDATE scrape.crawls k SET
                links_found = links_found + (SELECT count(*) FROM unnest(n_old_states) AS o WHERE o IS NULL) + seeds_found,
                links_followed = links_followed + n_queued,
                links_offsite = links_offsite + (SELECT count(*) FROM unnest(n_states, n_old_states) AS x(s, o) WHERE x.o IS NULL AND x.s = 10)
                    - (SELECT count(*) FROM unnest(n_old_states) AS o WHERE o = 10),
                links_depth = links_depth + (SELECT count(*) FROM unnest(n_states, n_old_states) AS x(s, o) WHERE x.o IS NULL AND x.s = 11)
                    - (SELECT count(*) FROM unnest(n_old_states) AS o WHERE o = 11),
                links_denied = links_denied + (SELECT count(*) FROM unnest(n_states) AS s WHERE s = 12),
                links_not_http = links_not_http + (SELECT count(*) FROM unnest(n_states) AS s WHERE s = 13),
                links_max_pages = links_max_pages + (SELECT count(*) FROM unnest(n_states) AS s WHERE s = 14),
                links_duplicate = links_duplicate + seeds_found
            WHERE k.job_id = p_job;
            RETURN n_queued;
        END $$
        """

    /// `finish` for a batch holding crawl pages: the pages' URL rows are locked (by id, as
    /// `finish` does), then each crawl job's row (by id; `FOR NO KEY UPDATE`, which the
    /// foreign-key checks of a claim's second update of a host do not wait for: with
    /// `FOR UPDATE` claims and finishes deadlocked), so one job's crawl finishes run
    /// one at a time through their links; the links of the pages that get their records
    /// (still leased with the caller's token) go in (``crawlLinks``), the recorded pages
    /// leave their depth's unrecorded count, and `finish` does the rest. Idle workers are
    /// woken when URLs were queued or a depth was finished (the barrier moved).
    static let crawlFinish = """
        CREATE FUNCTION scrape.crawl_finish(
            p_worker text, p_ids bigint[], p_tokens bigint[], p_records text[], p_delays_ms double precision[],
            p_failed boolean[], p_host_jobs bigint[], p_host_names text[], p_host_reset boolean[],
            p_host_failures integer[], p_crawl_delays double precision[], p_threshold integer, p_cooldown interval,
            p_max_cooldown interval, p_link_pages bigint[], p_link_urls text[], p_link_hosts text[], p_link_kinds smallint[])
        RETURNS integer[]
        LANGUAGE plpgsql AS $$
        DECLARE
            pages bigint[];
            job record;
            n_queued integer := 0;
            emptied integer := 0;
        BEGIN
            PERFORM 1 FROM scrape.urls WHERE id = ANY(p_ids) ORDER BY id FOR UPDATE;
            SELECT coalesce(array_agg(u.id ORDER BY u.id), '{}') INTO pages
            FROM unnest(p_ids, p_tokens, p_records) AS i(id, token, record)
            JOIN scrape.urls u ON u.id = i.id
            WHERE u.state = 1 AND u.lease_token = i.token AND i.record <> '' AND u.depth IS NOT NULL;
            IF coalesce(array_length(pages, 1), 0) > 0 THEN
                FOR job IN
                    SELECT j.id FROM scrape.jobs j
                    WHERE j.id IN (SELECT u.job_id FROM scrape.urls u WHERE u.id = ANY(pages))
                    ORDER BY j.id FOR NO KEY UPDATE
                LOOP
                    n_queued := n_queued + scrape.crawl_links(job.id, pages, p_link_pages, p_link_urls, p_link_hosts, p_link_kinds);
                END LOOP;
                WITH gone AS (
                    SELECT u.job_id, u.depth, count(*) AS n FROM scrape.urls u WHERE u.id = ANY(pages)
                    GROUP BY u.job_id, u.depth ORDER BY u.job_id, u.depth),
                counted AS (
                    UPDATE scrape.crawl_depths d SET unrecorded = d.unrecorded - g.n
                    FROM gone g WHERE d.job_id = g.job_id AND d.depth = g.depth RETURNING d.unrecorded)
                SELECT count(*) INTO emptied FROM counted WHERE unrecorded = 0;
                IF n_queued > 0 OR emptied > 0 THEN PERFORM pg_notify('scrape_frontier', ''); END IF;
            END IF;
            RETURN scrape.finish(p_worker, p_ids, p_tokens, p_records, p_delays_ms, p_failed, p_host_jobs, p_host_names,
                p_host_reset, p_host_failures, p_crawl_delays, p_threshold, p_cooldown, p_max_cooldown);
        END $$
        """
}
