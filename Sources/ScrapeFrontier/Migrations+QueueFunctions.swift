extension Migrations {
    /// The frontier's functions of version 6, on `scrape.queue` (``version6``): the same
    /// arguments, results and rules as version 5's (and version 1's `finish` and `reclaim`),
    /// with a URL's queue state and lease in its narrow `queue` row instead of its `urls` row.
    enum QueueFunctions {
        /// The claim of version 5 on `queue`: ready hosts locked with SKIP LOCKED, each host's
        /// due URLs (lowest depth first for a crawl job, within its depth barrier) leased with
        /// one new token, each given its request slot on the host's timeline as a delay from
        /// now. The URL's text, line, referrer and seed come from `urls`, which is only read.
        static let claim = """
            CREATE OR REPLACE FUNCTION scrape.claim(
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
                              SELECT 1 FROM scrape.queue q WHERE q.job_id = p_job AND q.host = hh.host AND q.lease_token IS NULL
                                  AND q.depth IS NOT NULL AND q.depth <= reach AND q.not_before <= now_))
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
                            SELECT array_agg(c.url_id ORDER BY c.depth, c.url_id) INTO ids FROM (
                                SELECT q.url_id, q.depth FROM scrape.queue q
                                WHERE q.job_id = p_job AND q.host = h.host AND q.lease_token IS NULL AND q.depth IS NOT NULL
                                  AND q.depth <= reach AND q.not_before <= now_
                                ORDER BY q.depth, q.url_id LIMIT wanted FOR UPDATE SKIP LOCKED) c;
                        ELSE
                            SELECT array_agg(c.url_id ORDER BY c.url_id) INTO ids FROM (
                                SELECT q.url_id FROM scrape.queue q
                                WHERE q.job_id = p_job AND q.host = h.host AND q.lease_token IS NULL AND q.not_before <= now_
                                ORDER BY q.url_id LIMIT wanted FOR UPDATE SKIP LOCKED) c;
                        END IF;
                        got := coalesce(array_length(ids, 1), 0);
                        CONTINUE WHEN got = 0;
                        RETURN QUERY
                            UPDATE scrape.queue q
                            SET attempts = q.attempts + 1, lease_token = token, lease_owner = p_worker, lease_expires = now_ + p_lease
                            FROM unnest(ids) WITH ORDINALITY AS t(id, n) JOIN scrape.urls u ON u.id = t.id
                            WHERE q.url_id = t.id
                            RETURNING q.url_id, u.url, q.host, q.attempts, token,
                                CASE WHEN giving_up THEN 0::double precision
                                     ELSE greatest(0, extract(epoch FROM (slot + h_spacing * (t.n - 1) - clock_timestamp())) * 1000)
                                END,
                                giving_up, u.line, q.depth, u.referrer,
                                CASE WHEN q.depth IS NULL THEN NULL WHEN u.seed IS NULL THEN u.url
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

        /// The finish of version 1 on `queue`: the batch's queue rows are locked (by id) and
        /// those still leased with the caller's token accepted, in one statement; a record
        /// deletes its URL's queue row (the `urls` row is not written), a retry clears the
        /// lease with its backoff. Records, hosts' counts and breakers, crawl delays, the
        /// jobs' counters and the heartbeat as before.
        static let finish = """
            CREATE OR REPLACE FUNCTION scrape.finish(
                p_worker text, p_ids bigint[], p_tokens bigint[], p_records text[], p_delays_ms double precision[],
                p_failed boolean[], p_host_jobs bigint[], p_host_names text[], p_host_reset boolean[],
                p_host_failures integer[], p_crawl_delays double precision[], p_threshold integer, p_cooldown interval,
                p_max_cooldown interval)
            RETURNS integer[]
            LANGUAGE plpgsql AS $$
            DECLARE
                f_ids bigint[];
                f_jobs bigint[];
                f_hosts text[];
                f_records text[];
                f_failed boolean[];
                f_delays double precision[];
                accepted integer;
                recorded integer;
            BEGIN
                -- The accepted completions, as arrays (a temporary table would have no statistics,
                -- and the planner joined it to the whole table); the rows locked by id, here.
                SELECT coalesce(array_agg(q.url_id), '{}'), coalesce(array_agg(q.job_id), '{}'), coalesce(array_agg(q.host), '{}'),
                       coalesce(array_agg(nullif(i.record, '')), '{}'), coalesce(array_agg(i.failed), '{}'),
                       coalesce(array_agg(i.delay_ms), '{}')
                INTO f_ids, f_jobs, f_hosts, f_records, f_failed, f_delays
                FROM (SELECT l.url_id, l.job_id, l.host, l.lease_token FROM scrape.queue l
                      WHERE l.url_id = ANY(p_ids) ORDER BY l.url_id FOR UPDATE) q
                JOIN unnest(p_ids, p_tokens, p_records, p_delays_ms, p_failed) AS i(id, token, record, delay_ms, failed)
                    ON i.id = q.url_id
                WHERE q.lease_token = i.token;
                accepted := coalesce(array_length(f_ids, 1), 0);
                DELETE FROM scrape.queue q
                USING unnest(f_ids, f_records) AS f(id, record)
                WHERE q.url_id = f.id AND f.record IS NOT NULL;
                UPDATE scrape.queue q
                SET not_before = clock_timestamp() + f.delay_ms * interval '1 millisecond',
                    lease_token = NULL, lease_owner = NULL, lease_expires = NULL
                FROM unnest(f_ids, f_records, f_delays) AS f(id, record, delay_ms)
                WHERE q.url_id = f.id AND f.record IS NULL;
                INSERT INTO scrape.records (url_id, job_id, worker, record)
                SELECT f.id, f.job_id, p_worker, f.record
                FROM unnest(f_ids, f_jobs, f_records) AS f(id, job_id, record) WHERE f.record IS NOT NULL;
                GET DIAGNOSTICS recorded = ROW_COUNT;
                -- The hosts are locked last, after the records are written: claims skip locked hosts,
                -- so a lock held through the whole batch made claims come back short.
                PERFORM 1 FROM scrape.hosts h
                WHERE (h.job_id, h.host) IN (SELECT * FROM unnest(f_jobs, f_hosts) UNION SELECT * FROM unnest(p_host_jobs, p_host_names))
                ORDER BY h.job_id, h.host FOR UPDATE;
                UPDATE scrape.hosts h
                SET in_flight = h.in_flight - p.n, queued = h.queued + p.requeued
                FROM (SELECT f.job_id, f.host, count(*) AS n, count(*) FILTER (WHERE f.record IS NULL) AS requeued
                      FROM unnest(f_jobs, f_hosts, f_records) AS f(job_id, host, record) GROUP BY f.job_id, f.host) p
                WHERE h.job_id = p.job_id AND h.host = p.host;
                UPDATE scrape.hosts h
                SET failures = b.now_failing,
                    cooldown = CASE WHEN b.open_for IS NOT NULL THEN b.open_for WHEN b.reset THEN NULL ELSE h.cooldown END,
                    open_until = CASE WHEN b.open_for IS NOT NULL THEN clock_timestamp() + b.open_for
                                      WHEN b.reset THEN NULL ELSE h.open_until END,
                    broken_since = CASE WHEN b.opens THEN clock_timestamp() WHEN b.reset THEN NULL ELSE h.broken_since END,
                    probe_out = h.probe_out AND NOT (b.reopens OR b.reset)
                FROM (SELECT x.job_id, x.host, x.reset, n.now_failing, s.opens, s.reopens,
                             CASE WHEN s.reopens THEN least(hh.cooldown * 2, p_max_cooldown) WHEN s.opens THEN p_cooldown END AS open_for
                      FROM unnest(p_host_jobs, p_host_names, p_host_reset, p_host_failures)
                          AS x(job_id, host, reset, failures)
                      JOIN scrape.hosts hh ON hh.job_id = x.job_id AND hh.host = x.host
                      CROSS JOIN LATERAL (SELECT CASE WHEN x.reset THEN x.failures ELSE hh.failures + x.failures END AS now_failing) n
                      CROSS JOIN LATERAL (SELECT n.now_failing >= p_threshold AND (x.reset OR hh.broken_since IS NULL) AS opens,
                                                 NOT x.reset AND x.failures > 0 AND hh.broken_since IS NOT NULL AND hh.probe_out AS reopens) s) b
                WHERE h.job_id = b.job_id AND h.host = b.host
                  AND (h.failures <> b.now_failing OR b.open_for IS NOT NULL OR (b.reset AND h.broken_since IS NOT NULL));
                UPDATE scrape.hosts h
                SET crawl_delay = d.delay
                FROM (SELECT x.job_id, x.host, make_interval(secs => x.seconds) AS delay
                      FROM unnest(p_host_jobs, p_host_names, p_crawl_delays) AS x(job_id, host, seconds)
                      WHERE x.seconds > 0) d
                WHERE h.job_id = d.job_id AND h.host = d.host AND h.crawl_delay IS DISTINCT FROM d.delay;
                UPDATE scrape.jobs j
                SET done = j.done + p.done, failed = j.failed + p.failed
                FROM (SELECT f.job_id, count(*) FILTER (WHERE f.record IS NOT NULL) AS done,
                             count(*) FILTER (WHERE f.record IS NOT NULL AND f.failed) AS failed
                      FROM unnest(f_jobs, f_records, f_failed) AS f(job_id, record, failed) GROUP BY f.job_id) p
                WHERE j.id = p.job_id;
                UPDATE scrape.workers SET seen_at = clock_timestamp(), completed = completed + recorded WHERE id = p_worker;
                -- A job just done: workers waiting with --until-empty can exit now.
                IF recorded > 0 AND EXISTS (SELECT 1 FROM scrape.jobs WHERE id = ANY(f_jobs) AND done = urls) THEN
                    PERFORM pg_notify('scrape_frontier', '');
                END IF;
                RETURN ARRAY[accepted, recorded];
            END $$
            """

        /// Leases that ran out go back to the queue for any worker (counted in
        /// `jobs.lease_expiries`), as in version 1.
        static let reclaim = """
            CREATE OR REPLACE FUNCTION scrape.reclaim(p_job bigint) RETURNS integer
            LANGUAGE plpgsql AS $$
            DECLARE
                e_ids bigint[];
                e_hosts text[];
                back integer;
            BEGIN
                SELECT coalesce(array_agg(x.url_id), '{}'), coalesce(array_agg(x.host), '{}') INTO e_ids, e_hosts
                FROM (SELECT q.url_id, q.host FROM scrape.queue q
                      WHERE q.job_id = p_job AND q.lease_token IS NOT NULL AND q.lease_expires < clock_timestamp()
                      ORDER BY q.url_id FOR UPDATE SKIP LOCKED) x;
                back := coalesce(array_length(e_ids, 1), 0);
                IF back = 0 THEN RETURN 0; END IF;
                PERFORM 1 FROM scrape.hosts h
                WHERE h.job_id = p_job AND h.host = ANY(e_hosts)
                ORDER BY h.job_id, h.host FOR UPDATE;
                UPDATE scrape.queue q SET lease_token = NULL, lease_owner = NULL, lease_expires = NULL
                WHERE q.url_id = ANY(e_ids);
                UPDATE scrape.hosts h SET in_flight = h.in_flight - p.n, queued = h.queued + p.n
                FROM (SELECT e.host, count(*) AS n FROM unnest(e_hosts) AS e(host) GROUP BY e.host) p
                WHERE h.job_id = p_job AND h.host = p.host;
                UPDATE scrape.jobs SET lease_expiries = lease_expiries + back WHERE id = p_job;
                RETURN back;
            END $$
            """

        /// The crawl links of version 5 with the queue in `queue`: a known URL's state is
        /// its `urls` state when not followed (10-14), else queued or leased by its queue
        /// row, else done. A queued URL found closer moves up in both tables (only while
        /// still queued: a claim may have leased it since); a new link, or a skipped one now
        /// within the rules, gets its queue row.
        static let crawlLinks = """
            CREATE OR REPLACE FUNCTION scrape.crawl_links(
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
                    -- ustate: 0 queued, 1 leased, 2 done, 10-14 not followed
                    SELECT l.*, u.id AS uid, u.depth AS udepth,
                        CASE WHEN u.id IS NULL THEN NULL WHEN u.state >= 10 THEN u.state WHEN q.url_id IS NULL THEN 2::smallint
                             WHEN q.lease_token IS NULL THEN 0::smallint ELSE 1::smallint END AS ustate
                    FROM l LEFT JOIN scrape.urls u ON u.job_id = p_job AND u.line IS NULL AND md5(u.url) = md5(l.url) AND u.url = l.url
                    LEFT JOIN scrape.queue q ON q.url_id = u.id),
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
                    RETURNING id, host, depth, state),
                inserted_queued AS (
                    INSERT INTO scrape.queue (url_id, job_id, host, depth)
                    SELECT i.id, p_job, i.host, i.depth FROM inserted i WHERE i.state = 0 ORDER BY i.id
                    RETURNING 1),
                moved_queued AS (
                    UPDATE scrape.queue q SET depth = f.depth, host = f.host
                    FROM settled f
                    WHERE f.uid IS NOT NULL AND f.state_ = 0 AND f.ustate = 0 AND q.url_id = f.uid
                      AND q.lease_token IS NULL AND q.depth = f.udepth
                    RETURNING q.url_id),
                moved AS (
                    UPDATE scrape.urls u SET state = 0, depth = f.depth, referrer = f.referrer, seed = f.seed, host = f.host
                    FROM settled f
                    WHERE f.uid IS NOT NULL AND f.state_ = 0 AND u.id = f.uid AND u.depth = f.udepth
                      AND ((f.ustate IN (10, 11) AND u.state = f.ustate) OR u.id IN (SELECT m.url_id FROM moved_queued m))
                    RETURNING u.id, u.host, u.depth, u.state, f.ustate AS old_state, f.udepth AS old_depth),
                -- (inserted_queued and requeued run whether read or not, as every data-modifying WITH does)
                requeued AS (
                    INSERT INTO scrape.queue (url_id, job_id, host, depth)
                    SELECT m.id, p_job, m.host, m.depth FROM moved m WHERE m.old_state <> 0 ORDER BY m.id
                    RETURNING 1),
                found_seeds AS (
                    INSERT INTO scrape.crawl_found (url_id)
                    SELECT k.uid FROM known k WHERE k.uid IS NOT NULL AND k.udepth = 0
                    ON CONFLICT DO NOTHING RETURNING 1),
                changed AS (
                    SELECT i.host, i.depth, i.state, NULL::smallint AS old_state, NULL::integer AS old_depth FROM inserted i
                    UNION ALL SELECT m.host, m.depth, m.state, m.old_state, m.old_depth FROM moved m)
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

        /// The crawl finish of version 5 with the leases in `queue`: the pages' queue rows
        /// locked by id, the job's row `FOR NO KEY UPDATE`, the links of the pages still leased
        /// with the caller's token added (``crawlLinks``), their depths' unrecorded counts
        /// lowered, then ``finish``.
        static let crawlFinish = """
            CREATE OR REPLACE FUNCTION scrape.crawl_finish(
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
                PERFORM 1 FROM scrape.queue WHERE url_id = ANY(p_ids) ORDER BY url_id FOR UPDATE;
                SELECT coalesce(array_agg(q.url_id ORDER BY q.url_id), '{}') INTO pages
                FROM unnest(p_ids, p_tokens, p_records) AS i(id, token, record)
                JOIN scrape.queue q ON q.url_id = i.id
                WHERE q.lease_token = i.token AND i.record <> '' AND q.depth IS NOT NULL;
                IF coalesce(array_length(pages, 1), 0) > 0 THEN
                    FOR job IN
                        SELECT j.id FROM scrape.jobs j
                        WHERE j.id IN (SELECT q.job_id FROM scrape.queue q WHERE q.url_id = ANY(pages))
                        ORDER BY j.id FOR NO KEY UPDATE
                    LOOP
                        n_queued := n_queued + scrape.crawl_links(job.id, pages, p_link_pages, p_link_urls, p_link_hosts, p_link_kinds);
                    END LOOP;
                    WITH gone AS (
                        SELECT q.job_id, q.depth, count(*) AS n FROM scrape.queue q WHERE q.url_id = ANY(pages)
                        GROUP BY q.job_id, q.depth ORDER BY q.job_id, q.depth),
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
}
