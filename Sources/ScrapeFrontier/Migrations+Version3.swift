extension Migrations {
    /// Lines PostgreSQL's `text` cannot hold, URLs of any length, workers that exited.
    ///
    /// - `urls.line`: the input line's bytes when `url` is not exactly the line (a line
    ///   that is not UTF-8 is requested percent-encoded, and its record's `url` keeps the
    ///   bytes; a NUL byte is stored as `%00` in `url`); the claim returns it.
    /// - A URL is unique in its job by the MD5 of its text (or of its bytes, for those
    ///   lines), not by the text itself: a btree index row ends at 2,704 bytes, so a long
    ///   URL of random characters (20 KB; `scrape run` fetches up to 64 KiB) failed the whole
    ///   `add`. Two partial indexes, so a row is in one of them.
    /// - `workers.exited_at`: set by a worker that exits cleanly, so `status` shows it gone at once.
    static let version3 = Migration(
        version: 3, summary: "input lines as bytes, URLs of any length, exited workers",
        statements: [
            "ALTER TABLE scrape.urls ADD COLUMN line bytea",
            "CREATE UNIQUE INDEX urls_unique_url ON scrape.urls (job_id, md5(url)) WHERE line IS NULL",
            "CREATE UNIQUE INDEX urls_unique_line ON scrape.urls (job_id, md5(line)) WHERE line IS NOT NULL",
            "ALTER TABLE scrape.urls DROP CONSTRAINT urls_job_id_url_key",
            "ALTER TABLE scrape.workers ADD COLUMN exited_at timestamptz",
            // The claim of version 1, returning the line's bytes too (o_line).
            "DROP FUNCTION scrape.claim(bigint, text, integer, interval, interval, interval)",
            """
            CREATE FUNCTION scrape.claim(
                p_job bigint, p_worker text, p_limit integer, p_lease interval, p_horizon interval, p_give_up interval)
            RETURNS TABLE (o_id bigint, o_url text, o_host text, o_attempts integer, o_token bigint,
                           o_delay_ms double precision, o_give_up boolean, o_line bytea)
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
                                giving_up, u.line;
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
        ])
}
