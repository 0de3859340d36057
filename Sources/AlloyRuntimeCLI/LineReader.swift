#if canImport(Glibc)
import Glibc
#endif

/// Reads lines from a file descriptor in large blocks, in constant memory: a line longer
/// than `maxLine` is reported as too long and skipped, never buffered whole.
struct LineReader {
    enum Line {
        case text(ArraySlice<UInt8>)
        case tooLong
    }

    static let blockSize = 1 << 20
    let maxLine: Int
    private let fd: Int32
    private var buffer: [UInt8]
    private var start = 0
    private var end = 0
    private var finished = false
    private var skipping = false
    private var memory: [UInt8]?
    /// Why reading stopped early, if it did (a directory, a closed descriptor).
    private(set) var failure: String?

    /// Reads a file descriptor (not closed by the reader).
    init(fd: Int32, maxLine: Int = 1 << 20) {
        self.fd = fd
        self.maxLine = maxLine
        self.buffer = [UInt8](repeating: 0, count: max(LineReader.blockSize, maxLine) * 2)
    }

    /// Reads lines from bytes already in memory.
    init(bytes: [UInt8], maxLine: Int = 1 << 20) {
        self.fd = -1
        self.maxLine = maxLine
        self.buffer = bytes
        self.end = bytes.count
        self.finished = true
        self.memory = bytes
    }

    /// The next line without its terminator, or nil at the end.
    mutating func next() -> Line? {
        while true {
            if let newline = findNewline() {
                let line = buffer[start..<newline]
                start = newline + 1
                if skipping || line.count > maxLine { skipping = false; return .tooLong }
                return .text(trimCR(line))
            }
            if finished {
                guard start < end else { return nil }
                let line = buffer[start..<end]
                start = end
                if skipping || line.count > maxLine { skipping = false; return .tooLong }
                return .text(trimCR(line))
            }
            if end - start > maxLine {
                // Drop what we have of an overlong line and keep reading to its end.
                skipping = true
                start = end
            }
            fill()
        }
    }

    /// The index of the next newline in the unread bytes, found with memchr.
    private func findNewline() -> Int? {
        guard start < end else { return nil }
        return buffer.withUnsafeBufferPointer { pointer -> Int? in
            guard let base = pointer.baseAddress, let found = memchr(base + start, 0x0A, end - start) else { return nil }
            return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
        }
    }

    private func trimCR(_ line: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        line.last == 0x0D ? line.dropLast() : line
    }

    private mutating func fill() {
        if start > 0 {
            let count = end - start
            if count > 0 {
                buffer.withUnsafeMutableBufferPointer { pointer in
                    guard let base = pointer.baseAddress else { return }
                    memmove(base, base + start, count)
                }
            }
            start = 0
            end = count
        }
        let capacity = buffer.count - end
        let readCount = buffer.withUnsafeMutableBufferPointer { pointer -> Int in
            guard let base = pointer.baseAddress else { return 0 }
            while true {
                let result = read(fd, base + end, capacity)
                if result < 0 && errno == EINTR { continue }
                return result
            }
        }
        if readCount < 0 { failure = String(cString: strerror(errno)) }
        if readCount <= 0 { finished = true } else { end += readCount }
    }
}
