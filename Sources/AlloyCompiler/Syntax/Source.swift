/// One `.alloy` file as the compiler sees it: a display path and its raw UTF-8 bytes.
///
/// Positions are byte offsets internally; lines and columns are derived on demand
/// so that the lexer never pays for them.
public final class SourceFile: @unchecked Sendable {
    /// The path shown in diagnostics and recorded in plans.
    public let path: String
    /// The file's bytes, exactly as read (invalid UTF-8 is diagnosed, not repaired).
    public let bytes: [UInt8]
    /// Byte offsets at which each line starts; `lineStarts[0] == 0`.
    public let lineStarts: [Int]

    /// Creates a source file from raw bytes.
    public init(path: String, bytes: [UInt8]) {
        self.path = path
        self.bytes = bytes
        var starts = [0]
        starts.reserveCapacity(bytes.count / 24 + 1)
        for (offset, byte) in bytes.enumerated() where byte == 0x0A {
            starts.append(offset + 1)
        }
        self.lineStarts = starts
    }

    /// Creates a source file from text.
    public convenience init(path: String, text: String) {
        self.init(path: path, bytes: Array(text.utf8))
    }

    /// The 1-based line and column (counted in Unicode scalars) of a byte offset.
    public func location(of offset: Int) -> SourceLocation {
        let clamped = max(0, min(offset, bytes.count))
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if lineStarts[mid] <= clamped { low = mid } else { high = mid - 1 }
        }
        let start = lineStarts[low]
        var column = 1
        var index = start
        while index < clamped {
            if bytes[index] & 0xC0 != 0x80 { column += 1 }
            index += 1
        }
        // An offset inside a multi-byte scalar belongs to that scalar.
        if clamped < bytes.count, clamped > start, bytes[clamped] & 0xC0 == 0x80 { column -= 1 }
        return SourceLocation(line: low + 1, column: column)
    }

    /// The text of a 1-based line without its line terminator, decoded leniently.
    public func lineText(_ line: Int) -> String {
        guard line >= 1, line <= lineStarts.count else { return "" }
        let start = lineStarts[line - 1]
        var end = line < lineStarts.count ? lineStarts[line] - 1 : bytes.count
        if end > start, bytes[end - 1] == 0x0D { end -= 1 }
        return String(decoding: bytes[start..<max(start, end)], as: UTF8.self)
    }

    /// The text covered by a byte range, decoded leniently.
    public func text(_ range: Range<Int>) -> String {
        let lower = max(0, min(range.lowerBound, bytes.count))
        let upper = max(lower, min(range.upperBound, bytes.count))
        return String(decoding: bytes[lower..<upper], as: UTF8.self)
    }
}

/// A 1-based line and column; columns count Unicode scalars.
public struct SourceLocation: Hashable, Sendable, Comparable {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public static func < (a: SourceLocation, b: SourceLocation) -> Bool {
        (a.line, a.column) < (b.line, b.column)
    }
}

/// A half-open byte range in one file of a project.
public struct Span: Hashable, Sendable {
    /// Index of the file in the project's file list.
    public var file: Int
    public var start: Int
    public var end: Int

    public init(file: Int, start: Int, end: Int) {
        self.file = file
        self.start = start
        self.end = max(start, end)
    }

    /// The smallest span covering both.
    public func merged(with other: Span) -> Span {
        guard other.file == file else { return self }
        return Span(file: file, start: min(start, other.start), end: max(end, other.end))
    }

    /// Whether a byte offset lies in this span (inclusive of its end, as an editor cursor would).
    public func contains(_ offset: Int) -> Bool { offset >= start && offset <= end }
}

extension SourceFile {
    /// The 0-based line and UTF-16 character of a byte offset, as the Language Server Protocol counts.
    public func utf16Position(of offset: Int) -> (line: Int, character: Int) {
        let clamped = max(0, min(offset, bytes.count))
        let line = location(of: clamped).line - 1
        var index = lineStarts[line]
        var units = 0
        while index < clamped {
            let byte = bytes[index]
            let length = byte < 0x80 ? 1 : (byte >= 0xF0 ? 4 : (byte >= 0xE0 ? 3 : (byte >= 0xC0 ? 2 : 1)))
            units += length == 4 ? 2 : 1
            index += length
        }
        return (line, units)
    }

    /// The byte offset of a 0-based line and UTF-16 character, clamped to the line.
    public func offset(line: Int, utf16Character: Int) -> Int {
        guard line >= 0 else { return 0 }
        guard line < lineStarts.count else { return bytes.count }
        let end = line + 1 < lineStarts.count ? lineStarts[line + 1] - 1 : bytes.count
        var index = lineStarts[line]
        var units = 0
        while index < end, units < utf16Character {
            let byte = bytes[index]
            let length = byte < 0x80 ? 1 : (byte >= 0xF0 ? 4 : (byte >= 0xE0 ? 3 : (byte >= 0xC0 ? 2 : 1)))
            units += length == 4 ? 2 : 1
            index += length
        }
        return min(index, end)
    }
}
