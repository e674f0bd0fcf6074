internal import CMalloc

/// glibc malloc settings for a one-shot run (`scrape run`, `scrape api`), which exits when
/// its list is done; the daemon keeps glibc's defaults, so it gives memory back after a burst.
///
/// Every page's body is a fresh allocation of its size, freed once its record is written.
/// By default glibc returns the top of a heap to the kernel as soon as 128 KiB are free
/// there, and serves blocks from 128 KiB up (until its threshold adapts) with a fresh
/// `mmap`; either way the next body lands on pages the kernel must fault in and zero again.
/// Profiles of the static benchmark put a large share of CPU in those page faults, inside
/// the copy of bodies out of curl's buffer. Keeping freed memory (trim threshold 64 MiB)
/// and serving bodies under 4 MiB from the heap removes them, for a little more peak RSS
/// (docs/benchmarks.md, "Measured choices").
public enum HeapTuning {
    /// Applies the settings to this process. Call once, before the run starts.
    public static func forOneShotRun() {
        _ = mallopt(M_TRIM_THRESHOLD, 64 << 20)
        _ = mallopt(M_MMAP_THRESHOLD, 4 << 20)
    }
}
