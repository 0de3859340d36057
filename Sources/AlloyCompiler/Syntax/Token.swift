/// The kinds of token the lexer produces.
///
/// Keywords are not token kinds: they are identifiers that the parser treats as keywords
/// only where a declaration, clause or statement begins, so payload fields may be named
/// `type` or `input`.
public enum TokenKind: UInt8, Sendable, Hashable {
    case identifier, int, number
    case stringStart, stringText, interpolationStart, interpolationEnd, stringEnd
    case lbrace, rbrace, lparen, rparen, lbracket, rbracket
    case comma, colon, dot, equal, question, questionQuestion, pipe, pipePipe, ampAmp
    case bang, bangEqual, equalEqual, less, lessEqual, greater, greaterEqual
    case plus, minus, star, slash, percent
    case eof

    /// How the token is shown in "expected …" messages.
    public var display: String {
        switch self {
        case .identifier: return "a name"
        case .int, .number: return "a number"
        case .stringStart: return "a string"
        case .stringText: return "string text"
        case .interpolationStart: return "'{{'"
        case .interpolationEnd: return "'}}'"
        case .stringEnd: return "'\"'"
        case .lbrace: return "'{'"
        case .rbrace: return "'}'"
        case .lparen: return "'('"
        case .rparen: return "')'"
        case .lbracket: return "'['"
        case .rbracket: return "']'"
        case .comma: return "','"
        case .colon: return "':'"
        case .dot: return "'.'"
        case .equal: return "'='"
        case .question: return "'?'"
        case .questionQuestion: return "'??'"
        case .pipe: return "'|'"
        case .pipePipe: return "'||'"
        case .ampAmp: return "'&&'"
        case .bang: return "'!'"
        case .bangEqual: return "'!='"
        case .equalEqual: return "'=='"
        case .less: return "'<'"
        case .lessEqual: return "'<='"
        case .greater: return "'>'"
        case .greaterEqual: return "'>='"
        case .plus: return "'+'"
        case .minus: return "'-'"
        case .star: return "'*'"
        case .slash: return "'/'"
        case .percent: return "'%'"
        case .eof: return "end of file"
        }
    }
}

/// One token: a kind and a byte range, plus the trivia facts the parser needs.
public struct Token: Sendable, Hashable {
    public var kind: TokenKind
    public var start: Int
    public var end: Int
    /// A newline separates this token from the previous one; newlines separate fields and statements.
    public var leadingNewline: Bool
    /// Synthesised by the lexer to close an unterminated string or interpolation.
    public var isMissing: Bool
    /// Index into `LexedFile.comments` of the doc comment block directly before this token, if any.
    public var docIndex: Int32

    public init(kind: TokenKind, start: Int, end: Int, leadingNewline: Bool, isMissing: Bool = false, docIndex: Int32 = -1) {
        self.kind = kind
        self.start = start
        self.end = end
        self.leadingNewline = leadingNewline
        self.isMissing = isMissing
        self.docIndex = docIndex
    }
}

/// A comment kept for the formatter, hover and schema export.
public struct Comment: Sendable, Hashable {
    public var start: Int
    public var end: Int
    /// `///` rather than `//`.
    public var isDoc: Bool
    /// The comment starts a line (only whitespace before it).
    public var ownLine: Bool
}

/// The lexer's output for one file.
public struct LexedFile: Sendable {
    public var tokens: [Token]
    public var comments: [Comment]
    public var diagnostics: [Diagnostic]
    /// For each doc block (indexed by `Token.docIndex`), the comment indices it joins.
    public var docBlocks: [Range<Int>]
}
