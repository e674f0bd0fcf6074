// ThreadSanitizer's annotation interface (compiler-rt's sanitizer/tsan_interface.h), declared
// here because Swift cannot see that header. The functions exist only in a binary built with
// -sanitize=thread; ScrapeBase calls them only when built with -DSCRAPE_TSAN (`make test-tsan`).
void __tsan_acquire(void *addr);
void __tsan_release(void *addr);
