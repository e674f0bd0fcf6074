internal import CMalloc

/// glibc malloc settings for a one-shot run (`scrape run`, `scrape api`), which exits when
/// its list is done; the daemon keeps glibc's defaults, so it gives memory back after a burst.
///
/// Every page's body is a fresh allocation of its size, freed once its record is written.
/// By default glibc returns the top of a heap to the kernel as soon as 128 KiB are free
/// there, and serves blocks from 128 KiB up (until its threshold adapts) with a fresh
/// `mmap`; either way the next body lands on pages the kernel must fault in and zero again.
/// A profile of the static benchmark put 6.6% of all CPU in those page faults, inside the
/// copy of bodies out of curl's buffer. Keeping freed memory (trim threshold 64 MiB) and
/// serving bodies under 4 MiB from the heap removes them. Static benchmark, 20,000 pages,
/// 10 alternating runs: CPU 1.12 -> 0.86 s, wall 0.994 -> 0.786 s, peak RSS 30.6 -> 31.2 MB;
/// 1,000,000 lines: 49.4 -> 37.9 s, peak RSS 31.3 -> 32.6 MB (what is freed is kept).
public enum HeapTuning {
    /// Applies the settings to this process. Call once, before the run starts.
    public static func forOneShotRun() {
        _ = mallopt(M_TRIM_THRESHOLD, 64 << 20)
        _ = mallopt(M_MMAP_THRESHOLD, 4 << 20)
    }
}
