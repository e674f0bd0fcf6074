import CLibXML2
import Glibc

/// The memory of one document's nodes, attributes and text: bump-allocated from a few
/// large blocks and released whole with the document, instead of two or three `malloc`s
/// per node and a `free` of each when the tree goes.
///
/// Why: with libxml2's own allocation, freeing a parsed page filled glibc's fast bins with
/// thousands of small chunks, and the next page's first large request (its dictionary)
/// made glibc merge them all (`malloc_consolidate`) before splitting them up again: about
/// a fifth of parse + select CPU on the fields benchmark went to `malloc`/`free`, the
/// consolidation and `xmlFreeDoc`'s walk.
///
/// Safe because nothing frees these nodes one by one: the tree builder links and unlinks
/// nodes itself (never through libxml2's insertion functions, which free merged text
/// nodes), text is appended here (``appendText(_:to:)``, not `xmlNodeAddContentLen`, which
/// would `realloc` arena memory), and ``HTMLDocument`` detaches the tree from the libxml2
/// document before `xmlFreeDoc`, which then frees only what libxml2 allocated itself: the
/// document record, its DOCTYPE and its dictionary. XPath only reads the tree (its
/// results and string values are libxml2's own allocations, freed by libxml2). One
/// document, one thread at a time, as ``HTMLDocument`` is: no locking.
final class NodeArena {
    /// Every block, freed in `deinit`.
    private var blocks: [UnsafeMutableRawPointer] = []
    /// The free space of the current block.
    private var next: UnsafeMutableRawPointer?
    private var end: UnsafeMutableRawPointer?
    /// The start of the latest allocation (text that may still grow in place).
    private var latest: UnsafeMutableRawPointer?

    /// A block's size: below glibc's `mmap` threshold (128 KiB), so blocks come from the
    /// heap and a freed one serves the next page without new page faults.
    static let blockSize = 64 << 10

    init() {}

    deinit {
        for block in blocks { free(block) }
    }

    /// `size` bytes, 8-byte aligned (what libxml2's records need), uninitialized.
    @inline(__always)
    func allocate(_ size: Int) -> UnsafeMutableRawPointer {
        let rounded = (size + 7) & ~7
        if let start = next, let end, rounded <= end - start {
            next = start + rounded
            latest = start
            return start
        }
        return allocateInNewBlock(rounded)
    }

    private func allocateInNewBlock(_ rounded: Int) -> UnsafeMutableRawPointer {
        // Large text gets a block of its own; the current block stays open for the rest.
        let size = max(rounded, Self.blockSize)
        guard let block = malloc(size) else { fatalError("out of memory for a document's nodes") }
        blocks.append(block)
        if size > Self.blockSize {
            latest = nil
            return block
        }
        next = block + rounded
        end = block + size
        latest = block
        return block
    }

    /// A zeroed libxml2 record of type `T` (`xmlNode`, `xmlAttr`).
    @inline(__always)
    func record<T>(_ type: T.Type) -> UnsafeMutablePointer<T> {
        let memory = allocate(MemoryLayout<T>.stride)
        memset(memory, 0, MemoryLayout<T>.stride)
        return memory.assumingMemoryBound(to: T.self)
    }

    /// A NUL-terminated copy of `bytes`.
    func string(_ bytes: UnsafeBufferPointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
        let copy = allocate(bytes.count + 1).assumingMemoryBound(to: UInt8.self)
        if let base = bytes.baseAddress { copy.update(from: base, count: bytes.count) }
        copy[bytes.count] = 0
        return copy
    }

    /// `content` (a ``string(_:)`` of `length` bytes) with `bytes` appended: grown in
    /// place when it is the latest allocation and the block has room, else copied.
    func append(_ bytes: UnsafeBufferPointer<UInt8>, to content: UnsafeMutablePointer<UInt8>, length: Int) -> UnsafeMutablePointer<UInt8> {
        let total = length + bytes.count
        if let latest, latest == UnsafeMutableRawPointer(content), let end, ((total + 1 + 7) & ~7) <= end - latest {
            next = latest + ((total + 1 + 7) & ~7)
            if let base = bytes.baseAddress { (content + length).update(from: base, count: bytes.count) }
            content[total] = 0
            return content
        }
        let copy = allocate(total + 1).assumingMemoryBound(to: UInt8.self)
        copy.update(from: content, count: length)
        if let base = bytes.baseAddress { (copy + length).update(from: base, count: bytes.count) }
        copy[total] = 0
        return copy
    }
}
