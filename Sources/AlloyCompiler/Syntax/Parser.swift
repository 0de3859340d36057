/// Builds a syntax tree from tokens. It never fails: it returns a tree and diagnostics,
/// turning missing and unexpected syntax into nodes and recovering at declaration,
/// statement and field boundaries so that one mistake never hides the next.
public struct Parser {
    /// Deepest nesting of brackets, blocks and types, and tallest expression tree, accepted.
    public static let maxNesting = 100
    /// Syntax errors per file beyond this many are dropped.
    public static let maxDiagnostics = 100

    private let source: SourceFile
    private let fileIndex: Int
    private let lexed: LexedFile
    private let tokens: [Token]
    private var index = 0
    private var depth = 0
    private var diagnostics: [Diagnostic] = []
    private var lastErrorToken = -1
    private var dropped = 0
    private var reportedTooDeep = false
    /// Index of the token where the list item or statement being parsed began.
    private var itemStart = 0

    /// Parses one file: lexing, then parsing, with the diagnostics of both.
    public static func parse(_ source: SourceFile, fileIndex: Int) -> (SyntaxFile, [Diagnostic]) {
        let lexed = Lexer.lex(source, fileIndex: fileIndex)
        var parser = Parser(source: source, fileIndex: fileIndex, lexed: lexed)
        let declarations = parser.parseFile()
        var diagnostics = lexed.diagnostics
        diagnostics.append(contentsOf: parser.diagnostics)
        if parser.dropped > 0 {
            let end = Span(file: fileIndex, start: source.bytes.count, end: source.bytes.count)
            diagnostics.append(Diagnostic(.syntax, "\(parser.dropped) more syntax errors in this file were not reported", at: end))
        }
        return (SyntaxFile(file: fileIndex, declarations: declarations, comments: lexed.comments), diagnostics)
    }

    private init(source: SourceFile, fileIndex: Int, lexed: LexedFile) {
        self.source = source
        self.fileIndex = fileIndex
        self.lexed = lexed
        self.tokens = lexed.tokens
    }

    // MARK: Token access

    private var current: Token { tokens[min(index, tokens.count - 1)] }
    private var previous: Token { tokens[max(0, min(index - 1, tokens.count - 1))] }
    private func peekToken(_ offset: Int) -> Token { tokens[min(index + offset, tokens.count - 1)] }
    private func at(_ kind: TokenKind) -> Bool { current.kind == kind }

    private mutating func advance() {
        if index < tokens.count - 1 { index += 1 }
    }

    private func span(_ token: Token) -> Span { Span(file: fileIndex, start: token.start, end: token.end) }
    private func span(from start: Int) -> Span { Span(file: fileIndex, start: start, end: max(start, previous.end)) }

    private func text(_ token: Token) -> String { source.text(token.start..<token.end) }

    private func isWord(_ token: Token, _ word: StaticString) -> Bool {
        guard token.kind == .identifier, token.end - token.start == word.utf8CodeUnitCount else { return false }
        let pointer = word.utf8Start
        for offset in 0..<word.utf8CodeUnitCount where source.bytes[token.start + offset] != pointer[offset] {
            return false
        }
        return true
    }

    private func atWord(_ word: StaticString) -> Bool { isWord(current, word) }

    private func describe(_ token: Token) -> String {
        switch token.kind {
        case .identifier: return "'\(text(token))'"
        case .int, .number: return "'\(text(token))'"
        case .eof: return "end of file"
        default: return token.kind.display
        }
    }

    private func doc(_ token: Token) -> String? {
        guard token.docIndex >= 0, Int(token.docIndex) < lexed.docBlocks.count else { return nil }
        let lines = lexed.docBlocks[Int(token.docIndex)].map { index -> String in
            let comment = lexed.comments[index]
            var line = source.text(comment.start + 3..<comment.end)
            if line.hasPrefix(" ") { line.removeFirst() }
            return line
        }
        return lines.joined(separator: "\n")
    }

    /// A declaration keyword at the start of a line followed by its name: where recovery stops.
    private var atDeclarationStart: Bool {
        let token = current
        guard token.kind == .identifier, token.leadingNewline || index == 0 else { return false }
        let next = peekToken(1).kind
        if isWord(token, "type") || isWord(token, "connector") { return next == .identifier }
        if isWord(token, "event") || isWord(token, "workflow") { return next == .stringStart }
        return false
    }

    // MARK: Errors and recovery

    private mutating func error(_ message: String, at span: Span) {
        if index == lastErrorToken { return }
        lastErrorToken = index
        if diagnostics.count >= Parser.maxDiagnostics { dropped += 1; return }
        diagnostics.append(Diagnostic(.syntax, message, at: span))
    }

    /// Where a missing token is reported: at the current token, or just after the previous
    /// one when the current token starts a new line.
    private var missingSpan: Span {
        if current.leadingNewline || current.kind == .eof, index > 0 {
            return Span(file: fileIndex, start: previous.end, end: previous.end)
        }
        return span(current)
    }

    private mutating func expected(_ what: String, after context: String? = nil) {
        let suffix = context.map { " \($0)" } ?? ""
        error("expected \(what)\(suffix), found \(describe(current))", at: missingSpan)
    }

    @discardableResult
    private mutating func expect(_ kind: TokenKind, _ context: String? = nil) -> Bool {
        if at(kind) { advance(); return true }
        expected(kind.display, after: context)
        return false
    }

    /// Skips to the next item of the enclosing list or block: a token that starts a line,
    /// a closing brace, or a declaration, keeping brackets balanced. Always consumes a token
    /// unless it is already at one of those places.
    private mutating func recover(stopAtComma: Bool = true) {
        var nesting = 0
        var first = true
        while !at(.eof) {
            let token = current
            if nesting == 0 {
                // A token starting a line begins the next item, unless the broken item itself
                // starts there (then its line is skipped).
                if (token.leadingNewline && (!first || index > itemStart)) || (!first && atDeclarationStart) { return }
                if token.kind == .rbrace || token.kind == .rparen || token.kind == .rbracket { return }
                if stopAtComma && token.kind == .comma && !first { return }
            } else if atDeclarationStart {
                return
            }
            switch token.kind {
            case .lbrace, .lparen, .lbracket: nesting += 1
            case .rbrace, .rparen, .rbracket: nesting -= 1
            default: break
            }
            first = false
            advance()
        }
    }

    private mutating func skipToDeclaration() {
        advance()
        while !at(.eof) && !atDeclarationStart { advance() }
    }

    // MARK: Declarations

    private mutating func parseFile() -> [Declaration] {
        var declarations: [Declaration] = []
        while !at(.eof) {
            let before = index
            if let declaration = parseDeclaration() {
                declarations.append(declaration)
            } else {
                error("expected a declaration ('type', 'event', 'connector' or 'workflow'), found \(describe(current))", at: span(current))
                skipToDeclaration()
            }
            if index == before { advance() }
        }
        return declarations
    }

    private mutating func parseDeclaration() -> Declaration? {
        let docText = doc(current)
        let start = current.start
        if atWord("type") {
            advance()
            let name = parseIdentifier("a type name after 'type'")
            expect(.equal, "after the type name")
            let type = parseType()
            return .type(TypeDeclaration(name: name, type: type, doc: docText, span: span(from: start)))
        }
        if atWord("event") {
            advance()
            return .event(parseEvent(start: start, doc: docText))
        }
        if atWord("connector") {
            advance()
            return .connector(parseConnector(start: start, doc: docText))
        }
        if atWord("workflow") {
            advance()
            return .workflow(parseWorkflow(start: start, doc: docText))
        }
        return nil
    }

    private mutating func parseIdentifier(_ what: String) -> Identifier {
        if at(.identifier) {
            let token = current
            advance()
            return Identifier(text(token), span: span(token))
        }
        expected(what)
        return Identifier("", span: missingSpan)
    }

    /// A name written as a plain string literal, such as an event or workflow name.
    private mutating func parseStringName(_ what: String) -> Identifier {
        guard at(.stringStart) else {
            expected(what)
            return Identifier("", span: missingSpan)
        }
        let literal = parseString()
        guard let value = literal.plainString else {
            error("\(what) cannot contain '{{ }}' interpolation", at: literal.span)
            return Identifier("", span: literal.span)
        }
        if value.isEmpty { error("\(what) cannot be empty", at: literal.span) }
        return Identifier(value, span: literal.span)
    }

    /// Parses `{`, then items until `}`, calling `item` once per item and enforcing that items
    /// are separated by commas or new lines. Returns the span of the braces.
    @discardableResult
    private mutating func parseBraced(_ what: String, item: (inout Parser) -> Void) -> Span {
        let start = current.start
        guard expect(.lbrace, "to open \(what)") else {
            return Span(file: fileIndex, start: start, end: start)
        }
        depth += 1
        defer { depth -= 1 }
        if depth > Parser.maxNesting {
            tooDeep(at: span(previous))
            recoverClosing(.rbrace)
            return span(from: start)
        }
        while !at(.rbrace) && !at(.eof) && !atDeclarationStart {
            let before = index
            let outerItem = itemStart
            itemStart = index
            item(&self)
            itemStart = outerItem
            if at(.comma) {
                advance()
            } else if !at(.rbrace) && !at(.eof) && !current.leadingNewline {
                expected("',' or a new line", after: "between items in \(what)")
                recover()
                if at(.comma) { advance() }
            }
            if index == before { recover(); if index == before { advance() } }
        }
        if at(.rbrace) {
            advance()
        } else {
            error("expected '}' to close \(what)", at: missingSpan)
        }
        return span(from: start)
    }

    private mutating func tooDeep(at span: Span) {
        if !reportedTooDeep {
            reportedTooDeep = true
            diagnostics.append(Diagnostic(.syntax, "nesting is too deep: the limit is \(Parser.maxNesting) levels", at: span))
        }
    }

    /// After a nesting error, skips to the bracket that closes the current level.
    private mutating func recoverClosing(_ closing: TokenKind) {
        var nesting = 0
        while !at(.eof) {
            switch current.kind {
            case .lbrace, .lparen, .lbracket: nesting += 1
            case .rbrace, .rparen, .rbracket:
                if nesting == 0 {
                    if current.kind == closing { advance() }
                    return
                }
                nesting -= 1
            default: break
            }
            advance()
        }
    }

    private mutating func parseFields(_ what: String) -> ([FieldSyntax], Span) {
        var fields: [FieldSyntax] = []
        let braces = parseBraced(what) { parser in
            if let field = parser.parseField() { fields.append(field) }
        }
        return (fields, braces)
    }

    private mutating func parseField() -> FieldSyntax? {
        let docText = doc(current)
        let start = current.start
        guard at(.identifier) else {
            expected("a field name")
            recover()
            return nil
        }
        let name = parseIdentifier("a field name")
        let type: TypeSyntax
        if expect(.colon, "after the field name '\(name.name)'") {
            type = parseType()
        } else {
            type = TypeSyntax(kind: .missing, span: missingSpan)
            recover()
        }
        return FieldSyntax(name: name, type: type, doc: docText, span: span(from: start))
    }

    // MARK: Types

    private mutating func parseType() -> TypeSyntax {
        let start = current.start
        depth += 1
        defer { depth -= 1 }
        if depth > Parser.maxNesting {
            tooDeep(at: span(current))
            recover()
            return TypeSyntax(kind: .missing, span: span(from: start))
        }
        var type = parsePrimaryType()
        if at(.question) && !current.leadingNewline {
            advance()
            type = TypeSyntax(kind: .optional(type), span: span(from: start))
            if at(.question) || at(.questionQuestion) {
                error("a type can be optional only once", at: span(current))
                advance()
            }
        } else if at(.questionQuestion) && !current.leadingNewline {
            error("a type can be optional only once", at: span(current))
            advance()
            type = TypeSyntax(kind: .optional(type), span: span(from: start))
        }
        return type
    }

    private mutating func parsePrimaryType() -> TypeSyntax {
        let start = current.start
        switch current.kind {
        case .identifier:
            let name = parseIdentifier("a type")
            if at(.pipe) {
                error("only string literals can form a union, as in \"a\" | \"b\"", at: span(current))
                // Skip the rest of the union without recursing: `a | b | c | …` can be long.
                while at(.pipe) {
                    advance()
                    if at(.identifier) { advance() } else if at(.stringStart) { _ = parseString() } else { break }
                }
            }
            return TypeSyntax(kind: .named(name), span: name.span)
        case .lbracket:
            advance()
            let element = parseType()
            expect(.rbracket, "to close the array type")
            return TypeSyntax(kind: .array(element), span: span(from: start))
        case .lbrace:
            let (fields, _) = parseFields("a record type")
            return TypeSyntax(kind: .record(fields), span: span(from: start))
        case .lparen:
            advance()
            let inner = parseType()
            expect(.rparen, "to close the parenthesised type")
            return TypeSyntax(kind: inner.kind, span: span(from: start))
        case .stringStart:
            var literals: [Identifier] = []
            repeat {
                if !literals.isEmpty { advance() }
                if at(.stringStart) {
                    literals.append(parseStringName("a string literal type"))
                } else {
                    expected("a string literal", after: "after '|'")
                    break
                }
            } while at(.pipe)
            return TypeSyntax(kind: .literals(literals), span: span(from: start))
        default:
            expected("a type")
            return TypeSyntax(kind: .missing, span: missingSpan)
        }
    }

    // MARK: Events

    private mutating func parseEvent(start: Int, doc docText: String?) -> EventDeclaration {
        let name = parseStringName("an event name in quotes")
        var schema: [FieldSyntax]?
        var schemaSpan: Span?
        var samples: [Expression] = []
        parseBraced("the event") { parser in
            if parser.atWord("schema") {
                let keyword = parser.span(parser.current)
                parser.advance()
                let (fields, braces) = parser.parseFields("the schema")
                if schema != nil {
                    parser.error("an event has one schema: merge the fields into the first one", at: keyword)
                } else {
                    schema = fields
                    schemaSpan = keyword.merged(with: braces)
                }
            } else if parser.atWord("sample") {
                parser.advance()
                if parser.at(.lbrace) {
                    samples.append(parser.parseObject())
                } else {
                    parser.expected("'{'", after: "to open the sample")
                    parser.recover()
                }
            } else {
                parser.expected("'schema' or 'sample'", after: "in an event")
                parser.recover()
            }
        }
        if schema == nil && !name.isMissing {
            error("the event \"\(name.name)\" has no schema: add 'schema { … }'", at: name.span)
        }
        return EventDeclaration(name: name, schema: schema, schemaSpan: schemaSpan, samples: samples,
                                doc: docText, span: span(from: start))
    }

    // MARK: Connectors

    private mutating func parseConnector(start: Int, doc docText: String?) -> ConnectorDeclaration {
        let name = parseIdentifier("a connector name after 'connector'")
        var base: Identifier?
        var auth: AuthSyntax?
        var actions: [ActionSyntax] = []
        parseBraced("the connector") { parser in
            let itemStart = parser.current.start
            if parser.atWord("base") {
                parser.advance()
                let value = parser.parseStringName("the base URL in quotes")
                if base != nil {
                    parser.error("the connector already has a base URL", at: value.span)
                }
                base = value
            } else if parser.atWord("auth") {
                parser.advance()
                let kind: AuthSyntax.Kind?
                if parser.atWord("bearer") {
                    parser.advance(); kind = .bearer
                } else if parser.atWord("none") {
                    parser.advance(); kind = AuthSyntax.Kind.none
                } else if parser.atWord("header") {
                    parser.advance()
                    let header = parser.parseStringName("a header name in quotes")
                    kind = .header(header.name)
                } else {
                    parser.expected("'bearer', 'header \"Name\"' or 'none'", after: "after 'auth'")
                    parser.recover()
                    kind = nil
                }
                if let kind {
                    if auth != nil { parser.error("the connector already has an auth clause", at: parser.span(from: itemStart)) }
                    auth = AuthSyntax(kind: kind, span: parser.span(from: itemStart))
                }
            } else if parser.atWord("action") {
                let docText = parser.doc(parser.current)
                parser.advance()
                actions.append(parser.parseAction(start: itemStart, doc: docText))
            } else {
                parser.expected("'base', 'auth' or 'action'", after: "in a connector")
                parser.recover()
            }
        }
        return ConnectorDeclaration(name: name, base: base, auth: auth, actions: actions, doc: docText, span: span(from: start))
    }

    static let methods = ["GET", "POST", "PUT", "PATCH", "DELETE"]

    private mutating func parseAction(start: Int, doc docText: String?) -> ActionSyntax {
        let name = parseIdentifier("an action name after 'action'")
        expect(.equal, "after the action name")
        var method = Identifier("", span: missingSpan)
        if at(.identifier) {
            let token = current
            let word = text(token)
            if Parser.methods.contains(word) {
                method = Identifier(word, span: span(token))
                advance()
            } else {
                error("expected an HTTP method (GET, POST, PUT, PATCH or DELETE), found '\(word)'", at: span(token))
                advance()
            }
        } else {
            expected("an HTTP method (GET, POST, PUT, PATCH or DELETE)")
        }
        var path = Expression(.missing, span: missingSpan)
        if at(.stringStart) {
            path = parseString()
        } else {
            expected("the request path in quotes")
        }
        var input: [FieldSyntax] = []
        var inputSpan: Span?
        var output: TypeSyntax?
        if at(.lbrace) {
            parseBraced("the action") { parser in
                if parser.atWord("input") {
                    let keyword = parser.span(parser.current)
                    parser.advance()
                    let (fields, braces) = parser.parseFields("the action input")
                    if inputSpan != nil { parser.error("the action already has an input block", at: keyword) }
                    input = fields
                    inputSpan = keyword.merged(with: braces)
                } else if parser.atWord("output") {
                    let keyword = parser.span(parser.current)
                    parser.advance()
                    if output != nil { parser.error("the action already has an output type", at: keyword) }
                    output = parser.parseType()
                } else {
                    parser.expected("'input' or 'output'", after: "in an action")
                    parser.recover()
                }
            }
        }
        return ActionSyntax(name: name, method: method, path: path, input: input, inputSpan: inputSpan,
                            output: output, doc: docText, span: span(from: start))
    }

    // MARK: Workflows and statements

    private mutating func parseWorkflow(start: Int, doc docText: String?) -> WorkflowDeclaration {
        let name = parseStringName("a workflow name in quotes")
        var trigger: Identifier?
        var body: [Statement] = []
        let open = current.start
        guard expect(.lbrace, "to open the workflow") else {
            recover()
            return WorkflowDeclaration(name: name, trigger: nil, body: [], doc: docText, span: span(from: start))
        }
        if atWord("on") {
            advance()
            trigger = parseStringName("the event name in quotes after 'on'")
        } else {
            error("expected 'on \"Event Name\"' as the first line of the workflow, found \(describe(current))", at: missingSpan)
        }
        body = parseStatements(closing: "the workflow", openedAt: open, trigger: &trigger, firstNeedsNewline: trigger != nil)
        return WorkflowDeclaration(name: name, trigger: trigger, body: body, doc: docText, span: span(from: start))
    }

    private mutating func parseBlock(_ what: String) -> [Statement] {
        let open = current.start
        guard expect(.lbrace, "to open \(what)") else { return [] }
        var noTrigger: Identifier? = Identifier("", span: span(previous))
        return parseStatements(closing: what, openedAt: open, trigger: &noTrigger)
    }

    private mutating func parseStatements(closing what: String, openedAt open: Int, trigger: inout Identifier?, firstNeedsNewline: Bool = false) -> [Statement] {
        depth += 1
        defer { depth -= 1 }
        if depth > Parser.maxNesting {
            tooDeep(at: span(previous))
            recoverClosing(.rbrace)
            return []
        }
        var statements: [Statement] = []
        var first = !firstNeedsNewline
        while !at(.rbrace) && !at(.eof) && !atDeclarationStart {
            let before = index
            if !first && !current.leadingNewline {
                expected("a new line", after: "between statements")
            }
            first = false
            let outerItem = itemStart
            itemStart = index
            defer { itemStart = outerItem }
            if atWord("on") {
                let onSpan = span(current)
                advance()
                let name = parseStringName("the event name in quotes after 'on'")
                if trigger == nil {
                    error("'on' must be the first line of the workflow", at: onSpan)
                    trigger = name
                } else {
                    error("a workflow is triggered by one event: this 'on' is not allowed here", at: onSpan)
                }
            } else if let statement = parseStatement() {
                statements.append(statement)
            }
            if index == before { recover(); if index == before { advance() } }
        }
        if at(.rbrace) {
            advance()
        } else {
            error("expected '}' to close \(what)", at: missingSpan)
        }
        return statements
    }

    private mutating func parseStatement() -> Statement? {
        let start = current.start
        let docText = doc(current)
        if atWord("step") {
            advance()
            let name = parseIdentifier("a step name after 'step'")
            expect(.equal, "after the step name")
            let connector = parseIdentifier("a connector name")
            var action = Identifier("", span: missingSpan)
            if expect(.dot, "between the connector and the action") {
                action = parseIdentifier("an action name after '.'")
            }
            var arguments: [Argument] = []
            let argumentsSpan: Span
            if at(.lbrace) {
                argumentsSpan = parseBraced("the step's inputs") { parser in
                    let argStart = parser.current.start
                    guard parser.at(.identifier) else {
                        parser.expected("an input name")
                        parser.recover()
                        return
                    }
                    let name = parser.parseIdentifier("an input name")
                    let value: Expression
                    if parser.expect(.colon, "after the input name '\(name.name)'") {
                        value = parser.parseExpression()
                    } else {
                        value = Expression(.missing, span: parser.missingSpan)
                        parser.recover()
                    }
                    arguments.append(Argument(name: name, value: value, span: parser.span(from: argStart)))
                }
            } else {
                expected("'{' with the step's inputs")
                argumentsSpan = missingSpan
                recover()
            }
            return .step(StepSyntax(name: name, connector: connector, action: action, arguments: arguments,
                                    argumentsSpan: argumentsSpan, doc: docText, span: span(from: start)))
        }
        if atWord("if") {
            return .ifElse(parseIf())
        }
        if atWord("for") {
            advance()
            let variable = parseIdentifier("a loop variable name after 'for'")
            if atWord("in") { advance() } else { expected("'in'", after: "after the loop variable") }
            let sequence = parseExpression()
            let body = parseBlock("the loop body")
            return .forLoop(ForSyntax(variable: variable, sequence: sequence, body: body, span: span(from: start)))
        }
        if atWord("else") {
            error("'else' without a matching 'if'", at: span(current))
            recover()
            return nil
        }
        expected("a statement ('step', 'if' or 'for')")
        recover()
        return nil
    }

    private mutating func parseIf() -> IfSyntax {
        let start = current.start
        var branches: [IfSyntax.Branch] = []
        var elseBody: [Statement]?
        repeat {
            let branchStart = current.start
            advance() // `if`
            let condition = parseExpression()
            let body = parseBlock("the 'if' body")
            branches.append(IfSyntax.Branch(condition: condition, body: body, span: span(from: branchStart)))
            guard atWord("else") else { break }
            advance()
            if atWord("if") { continue }
            elseBody = parseBlock("the 'else' body")
            break
        } while branches.count < 10_000
        return IfSyntax(branches: branches, elseBody: elseBody, span: span(from: start))
    }

    // MARK: Expressions

    /// Parses an expression; never consumes nothing without reporting an error.
    private mutating func parseExpression() -> Expression {
        depth += 1
        defer { depth -= 1 }
        if depth > Parser.maxNesting {
            tooDeep(at: span(current))
            let start = current.start
            recover()
            return Expression(.missing, span: span(from: start))
        }
        return parseConditional()
    }

    private mutating func make(_ kind: Expression.Kind, _ span: Span, _ children: Expression...) -> Expression {
        let height = (children.map(\.height).max() ?? 0) + 1
        if height > Parser.maxNesting {
            tooDeep(at: span)
            return Expression(.missing, span: span)
        }
        return Expression(kind, span: span, height: height)
    }

    private mutating func parseConditional() -> Expression {
        let condition = parseCoalesce()
        guard at(.question) else { return condition }
        advance()
        let then = parseExpression()
        expect(.colon, "in the conditional expression")
        let otherwise = parseExpression()
        return make(.conditional(condition, then, otherwise), condition.span.merged(with: otherwise.span), condition, then, otherwise)
    }

    private mutating func parseCoalesce() -> Expression {
        var operands = [parseBinary(level: 0)]
        while at(.questionQuestion) {
            advance()
            operands.append(parseBinary(level: 0))
        }
        // `??` is right-associative: a ?? b ?? c is a ?? (b ?? c).
        var result = operands[operands.count - 1]
        for operand in operands.dropLast().reversed() {
            result = make(.binary(.coalesce, operand, result), operand.span.merged(with: result.span), operand, result)
        }
        return result
    }

    private static let levels: [[(TokenKind, Expression.BinaryOperator)]] = [
        [(.pipePipe, .or)],
        [(.ampAmp, .and)],
        [(.equalEqual, .equal), (.bangEqual, .notEqual)],
        [(.less, .less), (.lessEqual, .lessEqual), (.greater, .greater), (.greaterEqual, .greaterEqual)],
        [(.plus, .add), (.minus, .subtract)],
        [(.star, .multiply), (.slash, .divide), (.percent, .remainder)],
    ]

    private mutating func parseBinary(level: Int) -> Expression {
        guard level < Parser.levels.count else { return parseUnary() }
        var left = parseBinary(level: level + 1)
        while let (_, op) = Parser.levels[level].first(where: { $0.0 == current.kind }) {
            // A '-' starting a new line begins a new item, not a subtraction.
            if op == .subtract && current.leadingNewline { break }
            advance()
            let right = parseBinary(level: level + 1)
            left = make(.binary(op, left, right), left.span.merged(with: right.span), left, right)
            if case .missing = left.kind { break }
        }
        return left
    }

    private mutating func parseUnary() -> Expression {
        let start = current.start
        let op: Expression.UnaryOperator
        switch current.kind {
        case .bang: op = .not
        case .minus: op = .negate
        default: return parsePostfix()
        }
        advance()
        depth += 1
        defer { depth -= 1 }
        if depth > Parser.maxNesting {
            tooDeep(at: span(previous))
            recover()
            return Expression(.missing, span: span(from: start))
        }
        let operand = parseUnary()
        // Fold `-` into number literals so samples and constants stay literals.
        if op == .negate {
            if case .int(let value) = operand.kind { return Expression(.int(-value), span: span(from: start)) }
            if case .number(let value) = operand.kind { return Expression(.number(-value), span: span(from: start)) }
        }
        return make(.unary(op, operand), span(from: start), operand)
    }

    private mutating func parsePostfix() -> Expression {
        var expression = parsePrimary()
        if case .missing = expression.kind { return expression }
        while true {
            if at(.dot) {
                advance()
                let name = parseIdentifier("a field name after '.'")
                expression = make(.member(expression, name), expression.span.merged(with: name.span), expression)
            } else if at(.lbracket) && !current.leadingNewline {
                advance()
                let indexExpression = parseExpression()
                expect(.rbracket, "to close the index")
                expression = make(.index(expression, indexExpression), span(from: expression.span.start), expression, indexExpression)
            } else if at(.lparen) && !current.leadingNewline {
                advance()
                var arguments: [Expression] = []
                while !at(.rparen) && !at(.eof) && !atDeclarationStart {
                    let before = index
                    arguments.append(parseExpression())
                    if at(.comma) {
                        advance()
                    } else if !at(.rparen) && !current.leadingNewline {
                        expected("',' or ')'", after: "in the argument list")
                        recover(stopAtComma: true)
                        if at(.comma) { advance() }
                    }
                    if index == before { break }
                }
                expect(.rparen, "to close the argument list")
                expression = make(.call(expression, arguments), span(from: expression.span.start), [expression] + arguments)
            } else {
                return expression
            }
            if case .missing = expression.kind { return expression }
        }
    }

    private mutating func make(_ kind: Expression.Kind, _ span: Span, _ children: [Expression]) -> Expression {
        let height = (children.map(\.height).max() ?? 0) + 1
        if height > Parser.maxNesting {
            tooDeep(at: span)
            return Expression(.missing, span: span)
        }
        return Expression(kind, span: span, height: height)
    }

    private mutating func parsePrimary() -> Expression {
        let token = current
        let start = token.start
        switch token.kind {
        case .identifier:
            advance()
            if isWord(token, "true") { return Expression(.bool(true), span: span(token)) }
            if isWord(token, "false") { return Expression(.bool(false), span: span(token)) }
            if isWord(token, "null") { return Expression(.null, span: span(token)) }
            return Expression(.name(text(token)), span: span(token))
        case .int:
            advance()
            if let value = Int64(text(token)) { return Expression(.int(value), span: span(token)) }
            // A malformed literal was already reported by the lexer.
            if !text(token).allSatisfy(\.isNumber) { return Expression(.missing, span: span(token)) }
            error("integer literal '\(text(token))' is too large: the limit is \(Int64.max)", at: span(token))
            return Expression(.missing, span: span(token))
        case .number:
            advance()
            guard let value = Double(text(token)), value.isFinite else {
                if Double(text(token)) == nil { return Expression(.missing, span: span(token)) }
                error("number literal '\(text(token))' is out of range", at: span(token))
                return Expression(.missing, span: span(token))
            }
            return Expression(.number(value), span: span(token))
        case .stringStart:
            return parseString()
        case .lbracket:
            advance()
            var elements: [Expression] = []
            while !at(.rbracket) && !at(.eof) && !atDeclarationStart {
                let before = index
                elements.append(parseExpression())
                if at(.comma) {
                    advance()
                } else if !at(.rbracket) && !current.leadingNewline {
                    expected("',' or ']'", after: "in the array")
                    recover()
                    if at(.comma) { advance() }
                }
                if index == before { break }
            }
            expect(.rbracket, "to close the array")
            return make(.array(elements), span(from: start), elements)
        case .lbrace:
            return parseObject()
        case .lparen:
            advance()
            let inner = parseExpression()
            expect(.rparen, "to close the parenthesis")
            return Expression(inner.kind, span: span(from: start), height: inner.height)
        default:
            expected("an expression")
            return Expression(.missing, span: missingSpan)
        }
    }

    private mutating func parseObject() -> Expression {
        let start = current.start
        var entries: [Expression.Entry] = []
        parseBraced("the object") { parser in
            let entryStart = parser.current.start
            let key: Identifier
            if parser.at(.identifier) {
                key = parser.parseIdentifier("a key")
            } else if parser.at(.stringStart) {
                key = parser.parseStringName("a key")
            } else {
                parser.expected("a key")
                parser.recover()
                return
            }
            let value: Expression
            if parser.expect(.colon, "after the key '\(key.name)'") {
                value = parser.parseExpression()
            } else {
                value = Expression(.missing, span: parser.missingSpan)
                parser.recover()
            }
            entries.append(Expression.Entry(key: key, value: value, span: parser.span(from: entryStart)))
        }
        return make(.object(entries), span(from: start), entries.map(\.value))
    }

    private mutating func parseString() -> Expression {
        let start = current.start
        advance() // opening quote
        var parts: [Expression.StringPart] = []
        var children: [Expression] = []
        loop: while true {
            switch current.kind {
            case .stringText:
                let token = current
                parts.append(.text(Lexer.unescape(source.bytes[token.start..<token.end]), span(token)))
                advance()
            case .interpolationStart:
                let open = current
                advance()
                if at(.interpolationEnd) {
                    error("empty interpolation: put an expression between '{{' and '}}'", at: span(open).merged(with: span(current)))
                    advance()
                    continue
                }
                let expression = parseExpression()
                parts.append(.interpolation(expression))
                children.append(expression)
                if at(.interpolationEnd) {
                    if current.isMissing { error("unterminated interpolation: add '}}'", at: span(open)) }
                    advance()
                } else {
                    expected("'}}'", after: "to close the interpolation")
                    // Skip what is left of the interpolation; the lexer guarantees its end token.
                    var nesting = 0
                    while !at(.eof) {
                        if at(.interpolationStart) { nesting += 1 }
                        if at(.interpolationEnd) {
                            if nesting == 0 { advance(); break }
                            nesting -= 1
                        }
                        advance()
                    }
                }
            case .stringEnd:
                advance()
                break loop
            default:
                // The lexer always closes strings; anything else means a lexer/parser mismatch.
                error("unterminated string", at: span(from: start))
                break loop
            }
        }
        return make(.string(parts), span(from: start), children)
    }
}
