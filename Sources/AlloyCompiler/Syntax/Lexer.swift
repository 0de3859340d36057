import AlloyCore

/// Turns a file's bytes into tokens.
///
/// A mode stack handles `{{ }}` interpolation: inside a string the lexer reads text, and
/// inside an interpolation it reads code again, which may open another string. A string
/// may not cross a line: at a newline every open string and interpolation is closed with
/// synthetic tokens, so parsing resumes on the next line.
public struct Lexer {
    /// Diagnostics per file beyond this many are dropped, so random bytes stay cheap.
    public static let maxDiagnostics = 100

    private enum Mode { case string, interpolation(depth: Int) }

    private let bytes: [UInt8]
    private let fileIndex: Int
    private var position = 0
    private var modes: [Mode] = []
    private var unwinding = false
    private var sawNewline = true
    private var pendingDoc: [Int] = []
    private var tokens: [Token] = []
    private var comments: [Comment] = []
    private var docBlocks: [Range<Int>] = []
    private var diagnostics: [Diagnostic] = []
    private var droppedDiagnostics = 0

    /// Lexes one file.
    public static func lex(_ source: SourceFile, fileIndex: Int) -> LexedFile {
        var lexer = Lexer(bytes: source.bytes, fileIndex: fileIndex)
        lexer.run()
        return LexedFile(tokens: lexer.tokens, comments: lexer.comments,
                         diagnostics: lexer.diagnostics, docBlocks: lexer.docBlocks)
    }

    private init(bytes: [UInt8], fileIndex: Int) {
        self.bytes = bytes
        self.fileIndex = fileIndex
        tokens.reserveCapacity(bytes.count / 4)
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { position = 3 }
    }

    private mutating func run() {
        while true {
            let before = position
            let countBefore = tokens.count
            step()
            if tokens.last?.kind == .eof { break }
            // Every step consumes input or emits a synthetic closing token.
            if position == before && tokens.count == countBefore && !unwinding {
                position += 1
            }
        }
        if droppedDiagnostics > 0 {
            let at = Span(file: fileIndex, start: bytes.count, end: bytes.count)
            diagnostics.append(Diagnostic(.syntax, "\(droppedDiagnostics) more lexical errors in this file were not reported", at: at))
        }
    }

    private mutating func report(_ message: String, _ start: Int, _ end: Int) {
        if diagnostics.count >= Lexer.maxDiagnostics { droppedDiagnostics += 1; return }
        diagnostics.append(Diagnostic(.syntax, message, at: Span(file: fileIndex, start: start, end: end)))
    }

    private mutating func emit(_ kind: TokenKind, _ start: Int, _ end: Int, missing: Bool = false) {
        var docIndex: Int32 = -1
        if !pendingDoc.isEmpty {
            docIndex = Int32(docBlocks.count)
            docBlocks.append(pendingDoc[0]..<(pendingDoc[pendingDoc.count - 1] + 1))
            pendingDoc.removeAll(keepingCapacity: true)
        }
        tokens.append(Token(kind: kind, start: start, end: end, leadingNewline: sawNewline, isMissing: missing, docIndex: docIndex))
        sawNewline = false
    }

    private func peek(_ offset: Int = 0) -> UInt8 {
        let index = position + offset
        return index < bytes.count ? bytes[index] : 0
    }

    private var atEnd: Bool { position >= bytes.count }

    private mutating func step() {
        if unwinding {
            guard let mode = modes.popLast() else { unwinding = false; return }
            switch mode {
            case .string: emit(.stringEnd, position, position, missing: true)
            case .interpolation: emit(.interpolationEnd, position, position, missing: true)
            }
            if modes.isEmpty { unwinding = false }
            return
        }
        if case .string = modes.last { lexStringPart(); return }
        lexCode()
    }

    private var insideString: Bool {
        modes.contains { if case .string = $0 { return true } else { return false } }
    }

    private mutating func unterminated(at offset: Int) {
        let openStart = tokens.last(where: { $0.kind == .stringStart })?.start ?? offset
        report("unterminated string: add a closing '\"' before the end of the line", openStart, offset)
        unwinding = true
    }

    // MARK: Strings

    private mutating func lexStringPart() {
        let start = position
        if atEnd || peek() == 0x0A || (peek() == 0x0D && peek(1) == 0x0A) {
            unterminated(at: position)
            return
        }
        if peek() == 0x22 {
            position += 1
            modes.removeLast()
            emit(.stringEnd, start, position)
            return
        }
        if peek() == 0x7B && peek(1) == 0x7B {
            position += 2
            modes.append(.interpolation(depth: 0))
            emit(.interpolationStart, start, position)
            return
        }
        while !atEnd {
            let byte = bytes[position]
            if byte == 0x22 || byte == 0x0A || (byte == 0x7B && peek(1) == 0x7B) { break }
            if byte == 0x0D && peek(1) == 0x0A { break }
            if byte == 0x5C {
                lexEscape()
                continue
            }
            if byte < 0x20 && byte != 0x09 {
                report("control character in string: write it as an escape", position, position + 1)
                position += 1
                continue
            }
            if byte >= 0x80 {
                let length = Lexer.validScalarLength(bytes, position)
                if length == 0 {
                    report("invalid UTF-8 in string", position, position + 1)
                    position += 1
                } else {
                    position += length
                }
                continue
            }
            position += 1
        }
        emit(.stringText, start, position)
    }

    private mutating func lexEscape() {
        let start = position
        position += 1
        guard !atEnd, bytes[position] != 0x0A else {
            report("incomplete escape at the end of the line", start, position)
            return
        }
        switch bytes[position] {
        case 0x22, 0x5C, 0x6E, 0x74, 0x72, 0x7B, 0x7D: // " \ n t r { }
            position += 1
        case 0x75: // u
            position += 1
            guard peek() == 0x7B else {
                report("invalid unicode escape: write '\\u{XXXX}'", start, position)
                return
            }
            position += 1
            let digitsStart = position
            while !atEnd, Lexer.hexValue(bytes[position]) != nil, position - digitsStart < 8 { position += 1 }
            let digits = bytes[digitsStart..<position]
            guard peek() == 0x7D else {
                report("invalid unicode escape: write '\\u{XXXX}'", start, position)
                return
            }
            position += 1
            var value: UInt32 = 0
            for digit in digits { value = value &* 16 &+ UInt32(Lexer.hexValue(digit) ?? 0) }
            if digits.isEmpty || digits.count > 6 || Unicode.Scalar(value) == nil {
                report("'\\u{\(String(decoding: digits, as: UTF8.self))}' is not a Unicode scalar value", start, position)
            }
        default:
            let length = max(1, Lexer.validScalarLength(bytes, position))
            let shown = String(decoding: bytes[start..<min(bytes.count, position + length)], as: UTF8.self)
            position += length
            report("unknown escape '\(shown)': valid escapes are \\\" \\\\ \\n \\t \\r \\{ \\} and \\u{XXXX}", start, position)
        }
    }

    // MARK: Code

    private mutating func lexCode() {
        skipTrivia()
        if unwinding { return }
        let start = position
        guard !atEnd else {
            if !modes.isEmpty { unterminated(at: position); return }
            emit(.eof, position, position)
            return
        }
        let byte = bytes[position]
        switch byte {
        case 0x22:
            position += 1
            modes.append(.string)
            emit(.stringStart, start, position)
        case 0x41...0x5A, 0x61...0x7A, 0x5F:
            position += 1
            while !atEnd, Lexer.isIdentifierByte(bytes[position]) { position += 1 }
            emit(.identifier, start, position)
        case 0x30...0x39:
            lexNumber()
        case 0x7B:
            position += 1
            if case .interpolation(let depth) = modes.last { modes[modes.count - 1] = .interpolation(depth: depth + 1) }
            emit(.lbrace, start, position)
        case 0x7D:
            if case .interpolation(let depth) = modes.last {
                if depth == 0 && peek(1) == 0x7D {
                    position += 2
                    modes.removeLast()
                    emit(.interpolationEnd, start, position)
                    return
                }
                modes[modes.count - 1] = .interpolation(depth: max(0, depth - 1))
            }
            position += 1
            emit(.rbrace, start, position)
        default:
            if let (kind, length) = Lexer.punctuation(byte, peek(1)) {
                position += length
                emit(kind, start, position)
                return
            }
            lexStray()
        }
    }

    private mutating func lexNumber() {
        let start = position
        var isInt = true
        while !atEnd, bytes[position].isDigit { position += 1 }
        if peek() == 0x2E, peek(1).isDigit {
            isInt = false
            position += 1
            while !atEnd, bytes[position].isDigit { position += 1 }
        } else if peek() == 0x2E, !Lexer.isIdentifierStart(peek(1)) {
            position += 1
            report("malformed number: expected digits after '.'", start, position)
            emit(.number, start, position)
            return
        }
        if peek() == 0x65 || peek() == 0x45 {
            let save = position
            position += 1
            if peek() == 0x2B || peek() == 0x2D { position += 1 }
            if peek().isDigit {
                isInt = false
                while !atEnd, bytes[position].isDigit { position += 1 }
            } else {
                position = save + 1
                report("malformed number: expected digits in the exponent", start, position)
                emit(.number, start, position)
                return
            }
        }
        if !atEnd, Lexer.isIdentifierByte(bytes[position]) {
            let junkStart = position
            while !atEnd, Lexer.isIdentifierByte(bytes[position]) { position += 1 }
            report("malformed number: unexpected '\(String(decoding: bytes[junkStart..<position], as: UTF8.self))' after digits", start, position)
        }
        emit(isInt ? .int : .number, start, position)
    }

    private mutating func lexStray() {
        let start = position
        var invalidUTF8 = false
        // One diagnostic for a run of stray bytes, so binary junk stays readable.
        repeat {
            let byte = bytes[position]
            if byte >= 0x80 {
                let length = Lexer.validScalarLength(bytes, position)
                if length == 0 { invalidUTF8 = true; position += 1 } else { position += length }
            } else {
                position += 1
            }
        } while !atEnd && Lexer.isStray(bytes, position)
        if invalidUTF8 {
            report("invalid UTF-8: the file must be UTF-8 text", start, position)
        } else {
            let text = String(decoding: bytes[start..<position], as: UTF8.self)
            let shown = text.count > 20 ? String(text.prefix(20)) + "…" : text
            report("unexpected character\(text.unicodeScalars.count > 1 ? "s" : "") '\(shown)'", start, position)
        }
    }

    private static func isStray(_ bytes: [UInt8], _ index: Int) -> Bool {
        let byte = bytes[index]
        if byte >= 0x80 { return true }
        if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x22 || byte == 0x7B || byte == 0x7D { return false }
        if isIdentifierByte(byte) { return false }
        let next = index + 1 < bytes.count ? bytes[index + 1] : 0
        if byte == 0x2F && next == 0x2F { return false }
        return punctuation(byte, next) == nil
    }

    private mutating func skipTrivia() {
        while !atEnd {
            let byte = bytes[position]
            if byte == 0x20 || byte == 0x09 || byte == 0x0D {
                position += 1
            } else if byte == 0x0A {
                if insideString { unterminated(at: position); return }
                sawNewline = true
                position += 1
            } else if byte == 0x2F && peek(1) == 0x2F {
                let start = position
                let isDoc = peek(2) == 0x2F && peek(3) != 0x2F
                while !atEnd, bytes[position] != 0x0A {
                    if bytes[position] >= 0x80 {
                        let length = Lexer.validScalarLength(bytes, position)
                        if length == 0 { report("invalid UTF-8 in comment", position, position + 1); position += 1 } else { position += length }
                    } else {
                        position += 1
                    }
                }
                var end = position
                if end > start, bytes[end - 1] == 0x0D { end -= 1 }
                let ownLine = sawNewline || tokens.isEmpty
                comments.append(Comment(start: start, end: end, isDoc: isDoc, ownLine: ownLine))
                if isDoc && ownLine {
                    pendingDoc.append(comments.count - 1)
                } else if !isDoc && ownLine {
                    pendingDoc.removeAll(keepingCapacity: true)
                }
            } else {
                return
            }
        }
    }

    // MARK: Character classes

    static func punctuation(_ byte: UInt8, _ next: UInt8) -> (TokenKind, Int)? {
        switch byte {
        case 0x28: return (.lparen, 1)
        case 0x29: return (.rparen, 1)
        case 0x5B: return (.lbracket, 1)
        case 0x5D: return (.rbracket, 1)
        case 0x2C: return (.comma, 1)
        case 0x3A: return (.colon, 1)
        case 0x2E: return (.dot, 1)
        case 0x3D: return next == 0x3D ? (.equalEqual, 2) : (.equal, 1)
        case 0x3F: return next == 0x3F ? (.questionQuestion, 2) : (.question, 1)
        case 0x7C: return next == 0x7C ? (.pipePipe, 2) : (.pipe, 1)
        case 0x26: return next == 0x26 ? (.ampAmp, 2) : nil
        case 0x21: return next == 0x3D ? (.bangEqual, 2) : (.bang, 1)
        case 0x3C: return next == 0x3D ? (.lessEqual, 2) : (.less, 1)
        case 0x3E: return next == 0x3D ? (.greaterEqual, 2) : (.greater, 1)
        case 0x2B: return (.plus, 1)
        case 0x2D: return (.minus, 1)
        case 0x2A: return (.star, 1)
        case 0x2F: return (.slash, 1)
        case 0x25: return (.percent, 1)
        default: return nil
        }
    }

    public static func isIdentifierStart(_ byte: UInt8) -> Bool {
        (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x5F
    }

    public static func isIdentifierByte(_ byte: UInt8) -> Bool { isIdentifierStart(byte) || byte.isDigit }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: return byte - 0x30
        case 0x41...0x46: return byte - 0x41 + 10
        case 0x61...0x66: return byte - 0x61 + 10
        default: return nil
        }
    }

    /// The length of the well-formed UTF-8 scalar at `index`, or 0 when the bytes are invalid
    /// (the one definition the JSON reader uses too).
    static func validScalarLength(_ bytes: [UInt8], _ index: Int) -> Int {
        bytes.withUnsafeBufferPointer { JSONReader.scalarLength($0, index) }
    }

    /// Decodes the text of a `stringText` token, applying escapes. Malformed escapes were
    /// already diagnosed by the lexer and are kept as written.
    public static func unescape(_ bytes: ArraySlice<UInt8>) -> String {
        guard bytes.contains(0x5C) else { return String(decoding: bytes, as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            guard byte == 0x5C, index + 1 < bytes.endIndex else { out.append(byte); index += 1; continue }
            let next = bytes[index + 1]
            switch next {
            case 0x6E: out.append(0x0A); index += 2
            case 0x74: out.append(0x09); index += 2
            case 0x72: out.append(0x0D); index += 2
            case 0x22, 0x5C, 0x7B, 0x7D: out.append(next); index += 2
            case 0x75:
                var cursor = index + 2
                var value: UInt32 = 0
                var digits = 0
                if cursor < bytes.endIndex, bytes[cursor] == 0x7B {
                    cursor += 1
                    while cursor < bytes.endIndex, let digit = hexValue(bytes[cursor]), digits < 8 {
                        value = value &* 16 &+ UInt32(digit); digits += 1; cursor += 1
                    }
                    if cursor < bytes.endIndex, bytes[cursor] == 0x7D, digits >= 1, digits <= 6, let scalar = Unicode.Scalar(value) {
                        out.append(contentsOf: Array(String(Character(scalar)).utf8))
                        index = cursor + 1
                        continue
                    }
                }
                out.append(byte); index += 1
            default:
                out.append(byte); index += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

extension UInt8 {
    var isDigit: Bool { self >= 0x30 && self <= 0x39 }
}
