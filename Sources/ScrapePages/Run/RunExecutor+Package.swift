/// ``RunExecutor/shared`` for the other modules of the package (`scrape crawl` runs its
/// pages on it too), as the protocol it conforms to.
package enum SharedRunExecutor {
    package static var executor: (any TaskExecutor)? { RunExecutor.shared }
}
