/// The frontier's schema, as versioned plain SQL (docs/frontier.md, "Schema").
///
/// `scrape frontier init` applies, in one transaction under an advisory lock, every
/// migration newer than the version recorded in `scrape.schema_version`; so it is
/// idempotent, two `init`s at once are safe, and a database of an older scrape is brought
/// forward. Published migrations are never edited: a change is a new version.
///
/// Each migration is a list of statements because the extended query protocol runs one
/// statement per query (PL/pgSQL bodies contain semicolons, so no splitting on them).
enum Migrations {
    struct Migration: Sendable {
        let version: Int
        let summary: String
        let statements: [String]
    }

    /// The version `work`, `add`, `status` and `export` need; older databases are refused
    /// with a pointer to `init`.
    static var latestVersion: Int { all.last!.version }

    static let all: [Migration] = [version1, version2, version3, version4, version5, version6]

    /// Before any migration: the schema and the table that records versions.
    static let bootstrap = [
        "CREATE SCHEMA IF NOT EXISTS scrape",
        """
        CREATE TABLE IF NOT EXISTS scrape.schema_version (
            version integer PRIMARY KEY,
            summary text NOT NULL,
            applied_at timestamptz NOT NULL DEFAULT now())
        """,
    ]

    /// Jobs, URLs with their leases, records, per-host queue state, workers; claim, finish, reclaim.
    static let version1 = Migration(
        version: 1, summary: "jobs, urls, leases, records, per-host state",
        statements: [
            """
            CREATE TABLE scrape.jobs (
                id bigserial PRIMARY KEY,
                name text NOT NULL UNIQUE,
                per_host_rate double precision CHECK (per_host_rate > 0),
                per_host_concurrency integer NOT NULL CHECK (per_host_concurrency > 0),
                retries integer NOT NULL CHECK (retries >= 0),
                obey_robots boolean NOT NULL,
                created_at timestamptz NOT NULL DEFAULT now(),
                urls bigint NOT NULL DEFAULT 0,
                done bigint NOT NULL DEFAULT 0,
                failed bigint NOT NULL DEFAULT 0,
                lease_expiries bigint NOT NULL DEFAULT 0)
            """,
            // state: 0 queued, 1 leased, 2 done. host: the politeness key (scheme://host:port).
            """
            CREATE TABLE scrape.urls (
                id bigserial PRIMARY KEY,
                job_id bigint NOT NULL REFERENCES scrape.jobs ON DELETE CASCADE,
                url text NOT NULL,
                host text NOT NULL,
                state smallint NOT NULL DEFAULT 0,
                not_before timestamptz NOT NULL DEFAULT '-infinity',
                attempts integer NOT NULL DEFAULT 0,
                lease_token bigint,
                lease_owner text,
                lease_expires timestamptz,
                UNIQUE (job_id, url))
            """,
            "CREATE INDEX urls_claim ON scrape.urls (job_id, host, id) WHERE state = 0",
            "CREATE INDEX urls_leased ON scrape.urls (job_id, lease_expires) WHERE state = 1",
            "CREATE SEQUENCE scrape.lease_tokens",
            """
            CREATE TABLE scrape.records (
                url_id bigint PRIMARY KEY REFERENCES scrape.urls ON DELETE CASCADE,
                job_id bigint NOT NULL,
                worker text NOT NULL,
                completed_at timestamptz NOT NULL DEFAULT clock_timestamp(),
                record text NOT NULL)
            """,
            "CREATE INDEX records_export ON scrape.records (job_id, completed_at, url_id)",
            // queued/in_flight count the host's URLs in states 0/1 (kept by every statement
            // that moves a URL), so a claim finds ready hosts without counting URLs. The
            // breaker, as scrape run's CircuitBreaker: failures in a row; open_until (also a
            // probe's hold); broken_since, for give_up_after; cooldown, doubled by each failed
            // probe; probe_out while a probe is leased (only its failure doubles the cooldown,
            // not one of a request already in flight when the breaker opened). crawl_delay: the
            // host's robots.txt Crawl-delay for us, a spacing when stricter than the job's rate.
            """
            CREATE TABLE scrape.hosts (
                job_id bigint NOT NULL REFERENCES scrape.jobs ON DELETE CASCADE,
                host text NOT NULL,
                queued bigint NOT NULL DEFAULT 0,
                in_flight integer NOT NULL DEFAULT 0,
                next_at timestamptz NOT NULL DEFAULT '-infinity',
                failures integer NOT NULL DEFAULT 0,
                open_until timestamptz,
                broken_since timestamptz,
                cooldown interval,
                probe_out boolean NOT NULL DEFAULT false,
                crawl_delay interval,
                PRIMARY KEY (job_id, host))
            """,
            "CREATE INDEX hosts_ready ON scrape.hosts (job_id, next_at) WHERE queued > 0",
            // Heartbeats (every claim and finish) for status's live workers.
            """
            CREATE TABLE scrape.workers (
                id text PRIMARY KEY,
                started_at timestamptz NOT NULL DEFAULT now(),
                seen_at timestamptz NOT NULL DEFAULT now(),
                completed bigint NOT NULL DEFAULT 0)
            """,
            // One claim: ready hosts (work queued, under the fleet-wide concurrency, next
            // request slot within the horizon, breaker not open) locked with SKIP LOCKED,
            // then each host's due URLs, leased with one token. Each URL gets its request
            // slot on the host's timeline (per_host_rate), returned as a delay from now, so
            // workers need no synchronised clocks. A host whose breaker cooled down gets one
            // probe; one broken past give_up_after gives its URLs up (the worker writes
            // circuit_open records without a request).
            """
            CREATE FUNCTION scrape.claim(
                p_job bigint, p_worker text, p_limit integer, p_lease interval, p_horizon interval, p_give_up interval)
            RETURNS TABLE (o_id bigint, o_url text, o_host text, o_attempts integer, o_token bigint,
                           o_delay_ms double precision, o_give_up boolean)
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
            BEGIN
                SELECT * INTO j FROM scrape.jobs WHERE id = p_job;
                IF NOT FOUND THEN RETURN; END IF;
                spacing := CASE WHEN j.per_host_rate IS NULL THEN interval '0'
                                ELSE make_interval(secs => 1.0 / j.per_host_rate) END;
                token := nextval('scrape.lease_tokens');
                -- Two rounds: the first takes at most an eighth of the batch from each host,
                -- so a batch spreads over hosts (a worker's connections stay spread too);
                -- the second fills what is left from hosts still ready.
                FOR pass IN 1..2 LOOP
                    EXIT WHEN taken >= p_limit;
                    FOR h IN
                        SELECT * FROM scrape.hosts
                        WHERE job_id = p_job AND queued > 0 AND in_flight < j.per_host_concurrency
                          AND next_at <= now_ + p_horizon
                          AND (open_until IS NULL OR open_until <= now_)
                        ORDER BY next_at
                        LIMIT p_limit
                        FOR UPDATE SKIP LOCKED
                    LOOP
                        -- the job's rate, or the host's robots.txt Crawl-delay when stricter
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
                        SELECT array_agg(c.id ORDER BY c.id) INTO ids FROM (
                            SELECT u.id FROM scrape.urls u
                            WHERE u.job_id = p_job AND u.host = h.host AND u.state = 0 AND u.not_before <= now_
                            ORDER BY u.id LIMIT wanted FOR UPDATE SKIP LOCKED) c;
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
                                giving_up;
                        UPDATE scrape.hosts
                        SET queued = queued - got, in_flight = in_flight + got,
                            next_at = CASE WHEN giving_up THEN next_at ELSE slot + h_spacing * got END,
                            -- a probe holds the breaker shut for its lease; its outcome reopens or closes it
                            open_until = CASE WHEN probing THEN now_ + p_lease ELSE open_until END,
                            probe_out = probe_out OR probing
                        WHERE job_id = p_job AND host = h.host;
                        taken := taken + got;
                        EXIT WHEN taken >= p_limit;
                    END LOOP;
                END LOOP;
            END $$
            """,
            // One batch of finished attempts, in the transaction that writes their records:
            // a URL is done (record given) or queued again after a delay (record empty: a
            // retry). Only rows still leased with the caller's token count; a completion
            // after the lease was lost and re-taken matches nothing and is discarded.
            // The attempts' outcomes move the hosts' shared circuit breakers (reset: the
            // host answered; failures: consecutive failures since): a closed breaker opens
            // at the threshold for p_cooldown; a failure while its probe is out reopens it for
            // twice the last cooldown, up to p_max_cooldown; an answer closes it. A host's
            // robots.txt Crawl-delay (p_crawl_delays, 0 for none) is kept for its claims. Returns how many were
            // accepted, and how many of those were records. Locks are taken URLs first (by id), then hosts (by key), as every
            // function here does, so concurrent batches never deadlock.
            """
            CREATE FUNCTION scrape.finish(
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
                PERFORM 1 FROM scrape.urls WHERE id = ANY(p_ids) ORDER BY id FOR UPDATE;
                -- The accepted completions, as arrays: a temporary table would have no
                -- statistics, and the planner joined it to the whole URL table.
                SELECT coalesce(array_agg(u.id), '{}'), coalesce(array_agg(u.job_id), '{}'), coalesce(array_agg(u.host), '{}'),
                       coalesce(array_agg(nullif(i.record, '')), '{}'), coalesce(array_agg(i.failed), '{}'),
                       coalesce(array_agg(i.delay_ms), '{}')
                INTO f_ids, f_jobs, f_hosts, f_records, f_failed, f_delays
                FROM unnest(p_ids, p_tokens, p_records, p_delays_ms, p_failed) AS i(id, token, record, delay_ms, failed)
                JOIN scrape.urls u ON u.id = i.id
                WHERE u.state = 1 AND u.lease_token = i.token;
                accepted := coalesce(array_length(f_ids, 1), 0);
                UPDATE scrape.urls u
                SET state = CASE WHEN f.record IS NULL THEN 0 ELSE 2 END,
                    not_before = CASE WHEN f.record IS NULL
                                      THEN clock_timestamp() + f.delay_ms * interval '1 millisecond'
                                      ELSE u.not_before END,
                    lease_token = NULL, lease_owner = NULL, lease_expires = NULL
                FROM unnest(f_ids, f_records, f_delays) AS f(id, record, delay_ms)
                WHERE u.id = f.id;
                INSERT INTO scrape.records (url_id, job_id, worker, record)
                SELECT f.id, f.job_id, p_worker, f.record
                FROM unnest(f_ids, f_jobs, f_records) AS f(id, job_id, record) WHERE f.record IS NOT NULL;
                GET DIAGNOSTICS recorded = ROW_COUNT;
                -- The hosts are locked last, after the records are written: claims skip locked hosts,
                -- so a lock held through the whole batch made claims come back short (13% slower).
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
                             -- how long the breaker opens for, when it does
                             CASE WHEN s.reopens THEN least(hh.cooldown * 2, p_max_cooldown) WHEN s.opens THEN p_cooldown END AS open_for
                      FROM unnest(p_host_jobs, p_host_names, p_host_reset, p_host_failures)
                          AS x(job_id, host, reset, failures)
                      JOIN scrape.hosts hh ON hh.job_id = x.job_id AND hh.host = x.host
                      CROSS JOIN LATERAL (SELECT CASE WHEN x.reset THEN x.failures ELSE hh.failures + x.failures END AS now_failing) n
                      -- opens: closed (or it just answered) and now at the threshold; reopens: a
                      -- failure while its probe is out
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
            """,
            // Leases that ran out (their worker died or stalled past the lease) go back to
            // the queue for any worker; counted in jobs.lease_expiries.
            """
            CREATE FUNCTION scrape.reclaim(p_job bigint) RETURNS integer
            LANGUAGE plpgsql AS $$
            DECLARE
                e_ids bigint[];
                e_hosts text[];
                back integer;
            BEGIN
                SELECT coalesce(array_agg(x.id), '{}'), coalesce(array_agg(x.host), '{}') INTO e_ids, e_hosts
                FROM (SELECT u.id, u.host FROM scrape.urls u
                      WHERE u.job_id = p_job AND u.state = 1 AND u.lease_expires < clock_timestamp()
                      ORDER BY u.id FOR UPDATE SKIP LOCKED) x;
                back := coalesce(array_length(e_ids, 1), 0);
                IF back = 0 THEN RETURN 0; END IF;
                PERFORM 1 FROM scrape.hosts h
                WHERE h.job_id = p_job AND h.host = ANY(e_hosts)
                ORDER BY h.job_id, h.host FOR UPDATE;
                UPDATE scrape.urls u SET state = 0, lease_token = NULL, lease_owner = NULL, lease_expires = NULL
                WHERE u.id = ANY(e_ids);
                UPDATE scrape.hosts h SET in_flight = h.in_flight - p.n, queued = h.queued + p.n
                FROM (SELECT e.host, count(*) AS n FROM unnest(e_hosts) AS e(host) GROUP BY e.host) p
                WHERE h.job_id = p_job AND h.host = p.host;
                UPDATE scrape.jobs SET lease_expiries = lease_expiries + back WHERE id = p_job;
                RETURN back;
            END $$
            """,
        ])

    /// robots.txt per origin with its expiry, fetched once for the whole fleet: a worker
    /// that needs one takes the row as `fetching` (a placeholder that expires), the others
    /// wait for it to become a document.
    static let version2 = Migration(
        version: 2, summary: "robots.txt cache",
        statements: [
            """
            CREATE TABLE scrape.robots (
                origin text PRIMARY KEY,
                kind text NOT NULL CHECK (kind IN ('fetching', 'text', 'allow', 'unavailable')),
                body text,
                failure_kind text,
                failure_status integer,
                failure_message text,
                fetched_at timestamptz NOT NULL DEFAULT now(),
                expires_at timestamptz NOT NULL)
            """,
        ])
}
