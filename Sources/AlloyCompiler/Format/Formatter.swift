/// The canonical layout of `.alloy` source: two-space indentation, one declaration per
/// paragraph, one field or statement per line, short lists kept on one line.
///
/// It prints the syntax tree, so layout depends only on the program, never on how it was
/// written — which makes formatting idempotent. Every comment is kept: comments on their own
/// line stay on their own line before the item that follows them, and trailing comments stay
/// at the end of their line. A file with syntax errors is returned unchanged.
public struct Formatter {
    /// Lines longer than this are broken where the layout allows.
    public static let width = 100

    private let source: SourceFile
    private let comments: [Comment]
    private var nextComment = 0
    private var out = ""
    private var indent = 0
    private var atLineStart = true

    /// Formats one file; nil when it has syntax errors (nothing is changed then).
    public static func format(_ source: SourceFile) -> String? {
        let (tree, diagnostics) = Parser.parse(source, fileIndex: 0)
        guard !diagnostics.contains(where: { $0.severity == .error }) else { return nil }
        var formatter = Formatter(source: source, comments: tree.comments)
        return formatter.file(tree)
    }

    private init(source: SourceFile, comments: [Comment]) {
        self.source = source
        self.comments = comments
    }

    // MARK: Output

    private mutating func write(_ text: String) {
        if atLineStart && !text.isEmpty {
            out += String(repeating: "  ", count: indent)
            atLineStart = false
        }
        out += text
    }

    private mutating func newline() {
        // Trailing comments that sit on the line just written stay at its end.
        out += "\n"
        atLineStart = true
    }

    private func commentText(_ comment: Comment) -> String {
        var text = source.text(comment.start..<comment.end)
        while text.hasSuffix(" ") || text.hasSuffix("\t") { text.removeLast() }
        return text
    }

    /// Writes every comment that starts before `offset`: own-line comments on lines of their
    /// own, trailing ones at the end of the current line.
    private mutating func flushComments(before offset: Int) {
        while nextComment < comments.count, comments[nextComment].start < offset {
            let comment = comments[nextComment]
            nextComment += 1
            if comment.ownLine || out.isEmpty {
                if !atLineStart { newline() }
                if blankLineBefore(comment.start) && !out.isEmpty && !out.hasSuffix("{\n") && !out.hasSuffix("\n\n") { newline() }
                write(commentText(comment))
                newline()
            } else {
                if atLineStart, out.hasSuffix("\n") {
                    out.removeLast()
                    atLineStart = false
                }
                out += " " + commentText(comment)
                newline()
            }
        }
    }

    /// Trailing comments on the same source line as `end`, written after the item that ends there.
    private mutating func trailingComments(after end: Int) {
        while nextComment < comments.count, !comments[nextComment].ownLine,
              sameLine(end, comments[nextComment].start) {
            let comment = comments[nextComment]
            nextComment += 1
            out += " " + commentText(comment)
        }
    }

    /// Whether only blanks and separators lie between an item's end and a comment: then the
    /// comment trails that item rather than a later item on the same line.
    private func sameLine(_ a: Int, _ b: Int) -> Bool {
        guard a <= b, b <= source.bytes.count else { return false }
        return source.bytes[a..<b].allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x2C || $0 == 0x7D || $0 == 0x5D || $0 == 0x29 }
    }

    private func blankLineBefore(_ offset: Int) -> Bool {
        var index = offset - 1
        var newlines = 0
        while index >= 0 {
            let byte = source.bytes[index]
            if byte == 0x0A { newlines += 1; if newlines >= 2 { return true } }
            else if byte != 0x20 && byte != 0x09 && byte != 0x0D { return false }
            index -= 1
        }
        return false
    }

    private func hasComment(in span: Span) -> Bool {
        comments.contains { $0.start >= span.start && $0.start < span.end }
    }

    /// Ends the current line after an item that ends at `end`, keeping its trailing comments.
    private mutating func endLine(after end: Int) {
        trailingComments(after: end)
        newline()
    }

    // MARK: Declarations

    private mutating func file(_ tree: SyntaxFile) -> String {
        for (index, declaration) in tree.declarations.enumerated() {
            if index > 0 { newline() }
            flushComments(before: declaration.span.start)
            switch declaration {
            case .type(let type):
                write("type \(type.name.name) = ")
                // A declared record is a block of its own, like a schema.
                if case .record(let fields) = type.type.kind, !fields.isEmpty {
                    fieldBlock(fields, closeAt: type.type.span.end)
                } else {
                    typeExpression(type.type)
                }
                endLine(after: type.span.end)
            case .event(let event):
                self.event(event)
            case .connector(let connector):
                self.connector(connector)
            case .workflow(let workflow):
                self.workflow(workflow)
            }
        }
        flushComments(before: Int.max)
        while out.hasSuffix("\n\n") { out.removeLast() }
        return out
    }

    private mutating func event(_ event: EventDeclaration) {
        write("event \(quote(event.name.name)) {")
        newline()
        indent += 1
        var items: [(Int, Bool)] = []  // (start, isSchema)
        if let span = event.schemaSpan { items.append((span.start, true)) }
        for sample in event.samples { items.append((sample.span.start, false)) }
        var sampleIndex = 0
        for (start, isSchema) in items.sorted(by: { $0.0 < $1.0 }) {
            flushComments(before: start)
            if isSchema {
                write("schema ")
                fieldBlock(event.schema ?? [], closeAt: event.schemaSpan?.end ?? start)
                newline()
            } else {
                let samples = event.samples.sorted { $0.span.start < $1.span.start }
                let sample = samples[sampleIndex]
                sampleIndex += 1
                write("sample ")
                objectBlock(sample)
                newline()
            }
        }
        flushComments(before: event.span.end - 1)
        indent -= 1
        write("}")
        endLine(after: event.span.end)
    }

    /// `{`, one field per line, `}` (without a final newline).
    private mutating func fieldBlock(_ fields: [FieldSyntax], closeAt end: Int) {
        write("{")
        newline()
        indent += 1
        for field in fields {
            flushComments(before: field.span.start)
            write("\(field.name.name): ")
            typeExpression(field.type)
            endLine(after: field.span.end)
        }
        flushComments(before: end - 1)
        indent -= 1
        write("}")
    }

    private mutating func connector(_ connector: ConnectorDeclaration) {
        write("connector \(connector.name.name) {")
        newline()
        indent += 1
        var items: [(Int, Int)] = []  // (start, kind: 0 base, 1 auth, 2+ action index)
        if let base = connector.base { items.append((base.span.start, 0)) }
        if let auth = connector.auth { items.append((auth.span.start, 1)) }
        for (index, action) in connector.actions.enumerated() { items.append((action.span.start, 2 + index)) }
        for (start, kind) in items.sorted(by: { $0.0 < $1.0 }) {
            switch kind {
            case 0:
                guard let base = connector.base else { continue }
                flushComments(before: start)
                write("base \(quote(base.name))")
                endLine(after: base.span.end)
            case 1:
                guard let auth = connector.auth else { continue }
                flushComments(before: start)
                switch auth.kind {
                case .bearer: write("auth bearer")
                case .none: write("auth none")
                case .header(let name): write("auth header \(quote(name))")
                }
                endLine(after: auth.span.end)
            default:
                let action = connector.actions[kind - 2]
                // Actions are paragraphs of their own.
                if !out.hasSuffix("{\n") { newline() }
                flushComments(before: start)
                self.action(action)
            }
        }
        flushComments(before: connector.span.end - 1)
        indent -= 1
        write("}")
        endLine(after: connector.span.end)
    }

    private mutating func action(_ action: ActionSyntax) {
        write("action \(action.name.name) = \(action.method.name) ")
        expression(action.path)
        write(" {")
        newline()
        indent += 1
        var items: [(Int, Bool)] = []
        if let span = action.inputSpan { items.append((span.start, true)) }
        if let output = action.output { items.append((output.span.start, false)) }
        for (start, isInput) in items.sorted(by: { $0.0 < $1.0 }) {
            flushComments(before: start)
            if isInput {
                write("input ")
                let record = TypeSyntax(kind: .record(action.input), span: action.inputSpan ?? Span(file: 0, start: start, end: start))
                if fitsInline(record, column: indent * 2 + 6) {
                    write(inlineType(record, column: indent * 2 + 6))
                } else {
                    fieldBlock(action.input, closeAt: action.inputSpan?.end ?? start)
                }
                endLine(after: action.inputSpan?.end ?? start)
            } else if let output = action.output {
                write("output ")
                typeExpression(output)
                endLine(after: output.span.end)
            }
        }
        flushComments(before: action.span.end - 1)
        indent -= 1
        write("}")
        endLine(after: action.span.end)
    }

    private mutating func workflow(_ workflow: WorkflowDeclaration) {
        write("workflow \(quote(workflow.name.name)) {")
        newline()
        indent += 1
        if let trigger = workflow.trigger {
            flushComments(before: trigger.span.start)
            write("on \(quote(trigger.name))")
            endLine(after: trigger.span.end)
        }
        if !workflow.body.isEmpty { newline() }
        statements(workflow.body)
        flushComments(before: workflow.span.end - 1)
        indent -= 1
        write("}")
        endLine(after: workflow.span.end)
    }

    private mutating func statements(_ body: [Statement]) {
        for (index, statement) in body.enumerated() {
            if index > 0, blankLineBefore(statement.span.start) || isBlock(statement) || isBlock(body[index - 1]) { newline() }
            flushComments(before: statement.span.start)
            self.statement(statement)
        }
    }

    private func isBlock(_ statement: Statement) -> Bool {
        if case .step = statement { return false }
        return true
    }

    private mutating func statement(_ statement: Statement) {
        switch statement {
        case .step(let step):
            write("step \(step.name.name) = \(step.connector.name).\(step.action.name) ")
            let inline = step.arguments.map { "\($0.name.name): \(inlineExpression($0.value))" }.joined(separator: ", ")
            let column = indent * 2 + "step \(step.name.name) = \(step.connector.name).\(step.action.name) ".count
            if step.arguments.isEmpty {
                write("{}")
            } else if step.arguments.count <= 2, !inline.contains("\n"), column + inline.count + 4 <= Formatter.width, !hasComment(in: step.argumentsSpan) {
                write("{ \(inline) }")
            } else {
                write("{")
                newline()
                indent += 1
                for argument in step.arguments {
                    flushComments(before: argument.span.start)
                    write("\(argument.name.name): ")
                    expression(argument.value)
                    endLine(after: argument.span.end)
                }
                flushComments(before: step.argumentsSpan.end - 1)
                indent -= 1
                write("}")
            }
            endLine(after: step.span.end)
        case .ifElse(let statement):
            for (index, branch) in statement.branches.enumerated() {
                if index > 0 { write(" else ") }
                write("if ")
                expression(branch.condition)
                write(" {")
                block(branch.body, end: branch.span.end)
            }
            if let elseBody = statement.elseBody {
                write(" else {")
                block(elseBody, end: statement.span.end)
            }
            endLine(after: statement.span.end)
        case .forLoop(let loop):
            write("for \(loop.variable.name) in ")
            expression(loop.sequence)
            write(" {")
            block(loop.body, end: loop.span.end)
            endLine(after: loop.span.end)
        }
    }

    /// The statements of a block and its closing brace (the opening one is written).
    private mutating func block(_ body: [Statement], end: Int) {
        newline()
        indent += 1
        statements(body)
        flushComments(before: end - 1)
        indent -= 1
        write("}")
    }

    // MARK: Types

    private mutating func typeExpression(_ type: TypeSyntax) {
        let column = out.split(separator: "\n", omittingEmptySubsequences: false).last.map { $0.count } ?? 0
        if case .record(let fields) = type.kind, !fitsInline(type, column: column) {
            fieldBlock(fields, closeAt: type.span.end)
            return
        }
        if case .optional(let inner) = type.kind, case .record(let fields) = inner.kind, !fitsInline(type, column: column) {
            fieldBlock(fields, closeAt: inner.span.end)
            write("?")
            return
        }
        write(inlineType(type, column: column))
    }

    private func fitsInline(_ type: TypeSyntax, column: Int) -> Bool {
        if hasComment(in: type.span) { return false }
        if containsDoc(type) { return false }
        return column + inlineType(type, column: column).count <= Formatter.width
    }

    private func containsDoc(_ type: TypeSyntax) -> Bool {
        switch type.kind {
        case .record(let fields): return fields.contains { $0.doc != nil || containsDoc($0.type) }
        case .optional(let inner), .array(let inner): return containsDoc(inner)
        default: return false
        }
    }

    private func inlineType(_ type: TypeSyntax, column: Int) -> String {
        switch type.kind {
        case .named(let name): return name.name
        case .optional(let inner):
            if case .literals(let values) = inner.kind, values.count > 1 { return "(\(inlineType(inner, column: column)))?" }
            return inlineType(inner, column: column) + "?"
        case .array(let element): return "[\(inlineType(element, column: column))]"
        case .record(let fields):
            if fields.isEmpty { return "{}" }
            return "{ " + fields.map { "\($0.name.name): \(inlineType($0.type, column: column))" }.joined(separator: ", ") + " }"
        case .literals(let values): return values.map { quote($0.name) }.joined(separator: " | ")
        case .missing: return ""
        }
    }

    // MARK: Expressions

    private static func precedence(_ op: Expression.BinaryOperator) -> Int {
        switch op {
        case .coalesce: return 1
        case .or: return 2
        case .and: return 3
        case .equal, .notEqual: return 4
        case .less, .lessEqual, .greater, .greaterEqual: return 5
        case .add, .subtract: return 6
        case .multiply, .divide, .remainder: return 7
        }
    }

    /// Writes an expression, breaking objects and arrays over lines when they do not fit.
    private mutating func expression(_ expression: Expression) {
        let column = (out.split(separator: "\n", omittingEmptySubsequences: false).last.map { $0.count } ?? 0)
        let inline = inlineExpression(expression)
        if column + inline.count <= Formatter.width && !hasComment(in: expression.span) {
            write(inline)
            return
        }
        switch expression.kind {
        case .object:
            objectBlock(expression)
        case .array(let items):
            write("[")
            newline()
            indent += 1
            for item in items {
                flushComments(before: item.span.start)
                self.expression(item)
                write(",")
                endLine(after: item.span.end)
            }
            flushComments(before: expression.span.end - 1)
            indent -= 1
            write("]")
        default:
            write(inline)
        }
    }

    /// `{`, one entry per line, `}`.
    private mutating func objectBlock(_ object: Expression) {
        guard case .object(let entries) = object.kind else { write(inlineExpression(object)); return }
        if entries.isEmpty && !hasComment(in: object.span) { write("{}"); return }
        write("{")
        newline()
        indent += 1
        for entry in entries {
            flushComments(before: entry.span.start)
            write("\(key(entry.key.name)): ")
            expression(entry.value)
            endLine(after: entry.span.end)
        }
        flushComments(before: object.span.end - 1)
        indent -= 1
        write("}")
    }

    private func key(_ name: String) -> String {
        let isIdentifier = name.utf8.first.map(Lexer.isIdentifierStart) == true && name.utf8.allSatisfy(Lexer.isIdentifierByte)
        return isIdentifier ? name : quote(name)
    }

    /// An expression on one line, with only the parentheses precedence needs.
    func inlineExpression(_ expression: Expression, parent: Int = 0) -> String {
        switch expression.kind {
        case .name(let name): return name
        case .member(let base, let field): return inlineExpression(base, parent: 9) + "." + field.name
        case .index(let base, let index): return inlineExpression(base, parent: 9) + "[" + inlineExpression(index) + "]"
        case .call(let callee, let arguments): return inlineExpression(callee, parent: 9) + "(" + arguments.map { inlineExpression($0) }.joined(separator: ", ") + ")"
        case .string(let parts):
            var text = "\""
            for part in parts {
                switch part {
                case .text(let value, _): text += Formatter.escape(value)
                case .interpolation(let inner): text += "{{" + inlineExpression(inner) + "}}"
                }
            }
            return text + "\""
        case .int(let value): return String(value)
        case .number: return String(source.text(expression.span.start..<expression.span.end).trimmingParentheses.filter { $0 != " " && $0 != "\t" })
        case .bool(let value): return value ? "true" : "false"
        case .null: return "null"
        case .array(let items): return "[" + items.map { inlineExpression($0) }.joined(separator: ", ") + "]"
        case .object(let entries):
            if entries.isEmpty { return "{}" }
            return "{ " + entries.map { "\(key($0.key.name)): \(inlineExpression($0.value))" }.joined(separator: ", ") + " }"
        case .unary(let op, let operand):
            return op.rawValue + inlineExpression(operand, parent: 8)
        case .binary(let op, let left, let right):
            let mine = Formatter.precedence(op)
            // `??` is right-associative; the others are left-associative.
            let leftText = inlineExpression(left, parent: op == .coalesce ? mine + 1 : mine)
            let rightText = inlineExpression(right, parent: op == .coalesce ? mine : mine + 1)
            let text = "\(leftText) \(op.rawValue) \(rightText)"
            return mine < parent ? "(\(text))" : text
        case .conditional(let condition, let then, let otherwise):
            let text = "\(inlineExpression(condition, parent: 1)) ? \(inlineExpression(then)) : \(inlineExpression(otherwise))"
            return parent > 0 ? "(\(text))" : text
        case .missing: return ""
        }
    }

    /// Escapes string text so it reads back as the same text.
    static func escape(_ value: String) -> String {
        var out = ""
        var previousBrace = false
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            case "{":
                // `{{` would open an interpolation.
                out += previousBrace ? "\\{" : "{"
                previousBrace = !previousBrace
                continue
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += "\\u{\(String(scalar.value, radix: 16))}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
            previousBrace = false
        }
        return out
    }

    private func quote(_ value: String) -> String { "\"" + Formatter.escape(value) + "\"" }
}

extension String {
    /// Number literals are printed from source; a parenthesised one loses its parentheses.
    var trimmingParentheses: String {
        var text = self
        while text.hasPrefix("(") && text.hasSuffix(")") { text = String(text.dropFirst().dropLast()) }
        return text
    }
}
