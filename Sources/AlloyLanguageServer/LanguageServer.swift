import AlloyCompiler
import AlloyCore
import Foundation

/// A Language Server Protocol server for `.alloy` over stdio: a whole workspace folder is
/// one project, open buffers override files on disk, and every change re-checks the project
/// (re-parsing only the files that changed) and publishes diagnostics.
public final class LanguageServer {
    private var reader: MessageReader
    private let writer: MessageWriter
    private var root: String?
    /// Open buffers by file path.
    private var open: [String: [UInt8]] = [:]
    /// Files on disk under the root, by path.
    private var disk: [String: [UInt8]] = [:]
    private var cache: [String: (bytes: [UInt8], index: Int, tree: SyntaxFile, diagnostics: [Diagnostic])] = [:]
    private var analysis: Compiler.Result?
    private var paths: [String] = []
    private var published: Set<String> = []
    private var shutdownRequested = false
    /// Milliseconds from each change to its diagnostics being published (for the benchmark).
    public private(set) var latencies: [Double] = []

    init(input: Int32, output: Int32) {
        reader = MessageReader(fd: input)
        writer = MessageWriter(fd: output)
    }

    /// Serves until `exit`; returns the process exit code (0 after `shutdown`, else 1).
    public static func run(input: Int32 = 0, output: Int32 = 1) -> Int32 {
        let server = LanguageServer(input: input, output: output)
        return server.loop()
    }

    private func loop() -> Int32 {
        while true {
            let body: [UInt8]
            do { body = try reader.next() } catch {
                if case .malformed(let reason) = error {
                    log("alloyc lsp: \(reason); stopping")
                }
                return shutdownRequested ? 0 : 1
            }
            guard let message = try? JSONReader.parse(body, maxDepth: 256) else {
                writer.send(.object([("jsonrpc", .string("2.0")), ("id", .null),
                                     ("error", .object([("code", .int(-32700)), ("message", .string("parse error"))]))]))
                continue
            }
            let method = message["method"]?.stringValue ?? ""
            let id = message["id"]
            let params = message["params"] ?? .null
            if method == "exit" { return shutdownRequested ? 0 : 1 }
            if let id, id != .null, !method.isEmpty {
                let result = handleRequest(method, params)
                switch result {
                case .success(let value):
                    writer.send(.object([("jsonrpc", .string("2.0")), ("id", id), ("result", value)]))
                case .failure(let error):
                    writer.send(.object([("jsonrpc", .string("2.0")), ("id", id),
                                         ("error", .object([("code", .int(error.code)), ("message", .string(error.message))]))]))
                }
            } else if !method.isEmpty {
                handleNotification(method, params)
            }
        }
    }

    struct ResponseError: Error {
        var code: Int64
        var message: String
    }

    private func log(_ text: String) {
        let bytes = Array((text + "\n").utf8)
        _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    }

    // MARK: Dispatch

    private func handleRequest(_ method: String, _ params: JSONValue) -> Result<JSONValue, ResponseError> {
        if shutdownRequested && method != "shutdown" {
            return .failure(ResponseError(code: -32600, message: "the server is shutting down"))
        }
        switch method {
        case "initialize": return .success(initialize(params))
        case "shutdown": shutdownRequested = true; return .success(.null)
        case "textDocument/hover": return .success(hover(params))
        case "textDocument/definition": return .success(definition(params))
        case "textDocument/completion": return .success(completion(params))
        case "textDocument/rename": return rename(params)
        case "textDocument/codeAction": return .success(codeActions(params))
        case "textDocument/formatting": return .success(formatting(params))
        case "textDocument/documentSymbol": return .success(documentSymbols(params))
        default: return .failure(ResponseError(code: -32601, message: "method not found: \(method)"))
        }
    }

    private func handleNotification(_ method: String, _ params: JSONValue) {
        let started = Date()
        switch method {
        case "initialized":
            analyze()
        case "textDocument/didOpen":
            guard let uri = params["textDocument"]?["uri"]?.stringValue, let text = params["textDocument"]?["text"]?.stringValue,
                  let path = LanguageServer.path(fromURI: uri) else { return }
            open[path] = Array(text.utf8)
            analyze()
        case "textDocument/didChange":
            guard let uri = params["textDocument"]?["uri"]?.stringValue, let path = LanguageServer.path(fromURI: uri),
                  var bytes = open[path] ?? disk[path] else { return }
            for change in params["contentChanges"]?.arrayValue ?? [] {
                guard let text = change["text"]?.stringValue else { continue }
                if let range = change["range"] {
                    let file = SourceFile(path: path, bytes: bytes)
                    let start = offset(file, range["start"]), end = offset(file, range["end"])
                    guard start <= end, end <= bytes.count else { continue }
                    bytes.replaceSubrange(start..<end, with: Array(text.utf8))
                } else {
                    bytes = Array(text.utf8)
                }
            }
            open[path] = bytes
            analyze()
            latencies.append(Date().timeIntervalSince(started) * 1000)
        case "textDocument/didClose":
            guard let uri = params["textDocument"]?["uri"]?.stringValue, let path = LanguageServer.path(fromURI: uri) else { return }
            open[path] = nil
            if let data = FileManager.default.contents(atPath: path) { disk[path] = Array(data) } else { disk[path] = nil }
            analyze()
        case "workspace/didChangeWatchedFiles":
            scanDisk()
            analyze()
        default:
            break
        }
    }

    // MARK: Project

    private func initialize(_ params: JSONValue) -> JSONValue {
        if let uri = params["rootUri"]?.stringValue ?? params["workspaceFolders"]?.arrayValue?.first?["uri"]?.stringValue {
            root = LanguageServer.path(fromURI: uri)
        } else if let path = params["rootPath"]?.stringValue {
            root = path
        }
        scanDisk()
        return .object([
            ("capabilities", .object([
                ("positionEncoding", .string("utf-16")),
                ("textDocumentSync", .object([("openClose", .bool(true)), ("change", .int(2))])),
                ("hoverProvider", .bool(true)),
                ("definitionProvider", .bool(true)),
                ("completionProvider", .object([("triggerCharacters", .array([.string("."), .string("\"")]))])),
                ("renameProvider", .bool(true)),
                ("codeActionProvider", .object([("codeActionKinds", .array([.string("quickfix")]))])),
                ("documentFormattingProvider", .bool(true)),
                ("documentSymbolProvider", .bool(true)),
            ])),
            ("serverInfo", .object([("name", .string("alloyc")), ("version", .string(AlloyVersion.current))])),
        ])
    }

    private func scanDisk() {
        guard let root, let enumerator = FileManager.default.enumerator(atPath: root) else { return }
        var found: [String: [UInt8]] = [:]
        while let relative = enumerator.nextObject() as? String {
            if (relative as NSString).lastPathComponent.hasPrefix(".") { enumerator.skipDescendants(); continue }
            guard relative.hasSuffix(".alloy") else { continue }
            let path = root + "/" + relative
            if let data = FileManager.default.contents(atPath: path) { found[path] = Array(data) }
        }
        disk = found
    }

    /// Re-checks the project: open buffers over files on disk, parses cached per file.
    private func analyze() {
        paths = Set(disk.keys).union(open.keys).sorted()
        let sources = paths.map { SourceFile(path: display($0), bytes: open[$0] ?? disk[$0] ?? []) }
        var used: [String: (bytes: [UInt8], index: Int, tree: SyntaxFile, diagnostics: [Diagnostic])] = [:]
        let result = Compiler.check(sources) { file, index in
            let path = paths[index]
            if let hit = cache[path], hit.index == index, hit.bytes == file.bytes {
                used[path] = hit
                return (hit.tree, hit.diagnostics)
            }
            let (tree, diagnostics) = Parser.parse(file, fileIndex: index)
            used[path] = (file.bytes, index, tree, diagnostics)
            return (tree, diagnostics)
        }
        cache = used
        analysis = result
        publish(result)
    }

    private func display(_ path: String) -> String {
        guard let root, path.hasPrefix(root + "/") else { return path }
        return String(path.dropFirst(root.count + 1))
    }

    private func publish(_ result: Compiler.Result) {
        var byFile: [Int: [JSONValue]] = [:]
        for diagnostic in result.diagnostics where diagnostic.span.file < result.projectFileCount {
            byFile[diagnostic.span.file, default: []].append(lspDiagnostic(diagnostic, result))
        }
        var now: Set<String> = []
        for (index, path) in paths.enumerated() {
            let items = byFile[index] ?? []
            let uri = LanguageServer.uri(fromPath: path)
            if items.isEmpty && !published.contains(uri) { continue }
            if !items.isEmpty { now.insert(uri) }
            writer.send(.object([("jsonrpc", .string("2.0")), ("method", .string("textDocument/publishDiagnostics")),
                                 ("params", .object([("uri", .string(uri)), ("diagnostics", .array(items))]))]))
        }
        published = now
    }

    private func lspDiagnostic(_ diagnostic: Diagnostic, _ result: Compiler.Result) -> JSONValue {
        var message = diagnostic.message
        for help in diagnostic.help { message += "\nhelp: \(help)" }
        var members: [(String, JSONValue)] = [
            ("range", range(diagnostic.span, result)),
            ("severity", .int(diagnostic.severity == .error ? 1 : 2)),
            ("code", .string(diagnostic.code.rawValue)),
            ("codeDescription", .object([("href", .string(DiagnosticRenderer.documentationURL(for: diagnostic.code)))])),
            ("source", .string("alloyc")),
            ("message", .string(message)),
        ]
        let related = diagnostic.notes.compactMap { note -> JSONValue? in
            guard let span = note.span, span.file < result.projectFileCount else { return nil }
            return .object([("location", location(span, result)), ("message", .string(note.message))])
        }
        if !related.isEmpty { members.append(("relatedInformation", .array(related))) }
        return .object(members)
    }

    // MARK: Positions

    static func path(fromURI uri: String) -> String? {
        guard uri.hasPrefix("file://") else { return nil }
        return String(uri.dropFirst(7)).removingPercentEncoding
    }

    static func uri(fromPath path: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "?#")
        return "file://" + (path.addingPercentEncoding(withAllowedCharacters: allowed) ?? path)
    }

    private func offset(_ file: SourceFile, _ position: JSONValue?) -> Int {
        let line = Int(position?["line"]?.intValue ?? 0), character = Int(position?["character"]?.intValue ?? 0)
        return file.offset(line: line, utf16Character: character)
    }

    private func range(_ span: Span, _ result: Compiler.Result) -> JSONValue {
        let file = result.files[span.file]
        let start = file.utf16Position(of: span.start), end = file.utf16Position(of: span.end)
        return .object([
            ("start", .object([("line", .int(Int64(start.line))), ("character", .int(Int64(start.character)))])),
            ("end", .object([("line", .int(Int64(end.line))), ("character", .int(Int64(end.character)))])),
        ])
    }

    private func location(_ span: Span, _ result: Compiler.Result) -> JSONValue {
        .object([("uri", .string(LanguageServer.uri(fromPath: paths[span.file]))), ("range", range(span, result))])
    }

    /// The analysed file and byte offset a request's position names.
    private func position(_ params: JSONValue) -> (result: Compiler.Result, file: Int, offset: Int)? {
        guard let analysis, let uri = params["textDocument"]?["uri"]?.stringValue, let path = LanguageServer.path(fromURI: uri),
              let index = paths.firstIndex(of: path) else { return nil }
        return (analysis, index, offset(analysis.files[index], params["position"]))
    }

    private func reference(at params: JSONValue) -> (SymbolReference, Compiler.Result)? {
        guard let (result, file, offset) = position(params) else { return nil }
        let candidates = result.references.filter { $0.span.file == file && $0.span.contains(offset) }
        guard let best = candidates.min(by: { ($0.span.end - $0.span.start) < ($1.span.end - $1.span.start) }) else { return nil }
        return (best, result)
    }

    // MARK: Hover and definition

    private func hover(_ params: JSONValue) -> JSONValue {
        guard let (reference, result) = reference(at: params) else { return .null }
        var signature: String
        switch reference.kind {
        case .event:
            signature = "event \"\(reference.name)\""
            if case .record(let record)? = reference.type {
                signature += " {\n" + record.fields.map { "  \($0.name): \($0.type.description)" }.joined(separator: "\n") + "\n}"
            }
        case .type: signature = "type \(reference.name) = \(Self.expanded(reference.type))"
        case .field: signature = "\(reference.name): \(reference.type?.description ?? "?")"
        case .step: signature = "step \(reference.name): \(Self.expanded(reference.type))"
        case .connector: signature = "connector \(reference.name)"
        case .action: signature = "action \(reference.name) -> \(Self.expanded(reference.type))"
        case .input: signature = "input \(reference.name): \(reference.type?.description ?? "?")"
        case .variable: signature = "\(reference.name): \(reference.type?.description ?? "?")"
        }
        var markdown = "```alloy\n\(signature)\n```"
        if let doc = reference.doc { markdown += "\n\n\(doc)" }
        return .object([("contents", .object([("kind", .string("markdown")), ("value", .string(markdown))])),
                        ("range", range(reference.span, result))])
    }

    /// A type with its record fields spelled out, for hover.
    static func expanded(_ type: AlloyType?) -> String {
        guard let type else { return "?" }
        switch type {
        case .record(let record):
            return "{ " + record.fields.map { "\($0.name): \($0.type.description)" }.joined(separator: ", ") + " }"
        case .optional(.record(let record)):
            return "{ " + record.fields.map { "\($0.name): \($0.type.description)" }.joined(separator: ", ") + " }?"
        default:
            return type.description
        }
    }

    private func definition(_ params: JSONValue) -> JSONValue {
        guard let (reference, result) = reference(at: params), let declaration = reference.declaration,
              declaration.file < result.projectFileCount else { return .null }
        return location(declaration, result)
    }

    // MARK: Rename

    private func rename(_ params: JSONValue) -> Result<JSONValue, ResponseError> {
        guard let newName = params["newName"]?.stringValue, !newName.isEmpty else {
            return .failure(ResponseError(code: -32602, message: "the new name is empty"))
        }
        guard let (reference, result) = reference(at: params), let declaration = reference.declaration else {
            return .failure(ResponseError(code: -32602, message: "nothing to rename here"))
        }
        guard declaration.file < result.projectFileCount else {
            return .failure(ResponseError(code: -32602, message: "'\(reference.name)' is declared in the standard library and cannot be renamed"))
        }
        let replacement: String
        if reference.kind == .event {
            var quoted = ""
            JSONValue.writeString(newName, to: &quoted)
            replacement = quoted
        } else {
            let bytes = Array(newName.utf8)
            guard let first = bytes.first, Lexer.isIdentifierStart(first), bytes.allSatisfy(Lexer.isIdentifierByte) else {
                return .failure(ResponseError(code: -32602, message: "'\(newName)' is not a valid name: use letters, digits and '_', not starting with a digit"))
            }
            replacement = newName
        }
        var spans = Set(result.references.filter { $0.declaration == declaration && $0.kind == reference.kind }.map(\.span))
        spans.insert(declaration)
        var changes: [String: [JSONValue]] = [:]
        for span in spans.sorted(by: { ($0.file, $0.start) < ($1.file, $1.start) }) where span.file < result.projectFileCount {
            let uri = LanguageServer.uri(fromPath: paths[span.file])
            changes[uri, default: []].append(.object([("range", range(span, result)), ("newText", .string(replacement))]))
        }
        return .success(.object([("changes", .object(changes.sorted { $0.key < $1.key }.map { ($0.key, .array($0.value)) }))]))
    }

    // MARK: Code actions and formatting

    private func codeActions(_ params: JSONValue) -> JSONValue {
        guard let analysis, let uri = params["textDocument"]?["uri"]?.stringValue, let path = LanguageServer.path(fromURI: uri),
              let index = paths.firstIndex(of: path) else { return .array([]) }
        let file = analysis.files[index]
        let start = offset(file, params["range"]?["start"]), end = offset(file, params["range"]?["end"])
        var actions: [JSONValue] = []
        for diagnostic in analysis.diagnostics where diagnostic.span.file == index && diagnostic.span.start <= end && diagnostic.span.end >= start {
            for fix in diagnostic.fixes where fix.span.file == index {
                actions.append(.object([
                    ("title", .string(fix.message)),
                    ("kind", .string("quickfix")),
                    ("diagnostics", .array([lspDiagnostic(diagnostic, analysis)])),
                    ("isPreferred", .bool(diagnostic.fixes.count == 1)),
                    ("edit", .object([("changes", .object([(uri, .array([.object([("range", range(fix.span, analysis)), ("newText", .string(fix.replacement))])]))]))])),
                ]))
            }
        }
        return .array(actions)
    }

    private func formatting(_ params: JSONValue) -> JSONValue {
        guard let uri = params["textDocument"]?["uri"]?.stringValue, let path = LanguageServer.path(fromURI: uri),
              let bytes = open[path] ?? disk[path] else { return .array([]) }
        let source = SourceFile(path: path, bytes: bytes)
        guard let formatted = Formatter.format(source), Array(formatted.utf8) != bytes else { return .array([]) }
        let end = source.utf16Position(of: bytes.count)
        return .array([.object([
            ("range", .object([
                ("start", .object([("line", .int(0)), ("character", .int(0))])),
                ("end", .object([("line", .int(Int64(end.line))), ("character", .int(Int64(end.character)))])),
            ])),
            ("newText", .string(formatted)),
        ])])
    }

    // MARK: Symbols

    private func documentSymbols(_ params: JSONValue) -> JSONValue {
        guard let analysis, let uri = params["textDocument"]?["uri"]?.stringValue, let path = LanguageServer.path(fromURI: uri),
              let index = paths.firstIndex(of: path) else { return .array([]) }
        func symbol(_ name: String, _ kind: Int64, _ span: Span, _ selection: Span, _ children: [JSONValue] = [], detail: String? = nil) -> JSONValue {
            var members: [(String, JSONValue)] = [("name", .string(name.isEmpty ? "?" : name)), ("kind", .int(kind)),
                                                  ("range", range(span, analysis)), ("selectionRange", range(selection, analysis))]
            if let detail { members.append(("detail", .string(detail))) }
            if !children.isEmpty { members.append(("children", .array(children))) }
            return .object(members)
        }
        func fields(_ list: [FieldSyntax]) -> [JSONValue] {
            list.map { symbol($0.name.name, 8, $0.span, $0.name.span) }
        }
        func steps(_ body: [Statement]) -> [JSONValue] {
            body.flatMap { statement -> [JSONValue] in
                switch statement {
                case .step(let step): return [symbol(step.name.name, 13, step.span, step.name.span, detail: "\(step.connector.name).\(step.action.name)")]
                case .ifElse(let statement): return statement.branches.flatMap { steps($0.body) } + steps(statement.elseBody ?? [])
                case .forLoop(let loop): return steps(loop.body)
                }
            }
        }
        let symbols = analysis.syntax[index].declarations.map { declaration -> JSONValue in
            switch declaration {
            case .type(let type):
                var children: [JSONValue] = []
                if case .record(let list) = type.type.kind { children = fields(list) }
                return symbol(type.name.name, 23, type.span, type.name.span, children)
            case .event(let event): return symbol(event.name.name, 24, event.span, event.name.span, fields(event.schema ?? []))
            case .connector(let connector):
                return symbol(connector.name.name, 5, connector.span, connector.name.span,
                              connector.actions.map { symbol($0.name.name, 6, $0.span, $0.name.span, detail: $0.method.name) })
            case .workflow(let workflow):
                return symbol(workflow.name.name, 12, workflow.span, workflow.name.span, steps(workflow.body), detail: workflow.trigger.map { "on \"\($0.name)\"" })
            }
        }
        return .array(symbols)
    }

    // MARK: Completion

    private func completion(_ params: JSONValue) -> JSONValue {
        guard let (result, file, offset) = position(params) else { return .array([]) }
        let source = result.files[file]
        let lineStart = source.lineStarts[source.location(of: offset).line - 1]
        // Only the end of the line matters; a bounded prefix keeps the patterns cheap.
        let prefix = source.text(max(lineStart, offset - 256)..<offset)
        var items: [JSONValue] = []
        func item(_ label: String, _ kind: Int64, detail: String? = nil, doc: String? = nil, insert: String? = nil) {
            var members: [(String, JSONValue)] = [("label", .string(label)), ("kind", .int(kind))]
            if let detail { members.append(("detail", .string(detail))) }
            if let doc { members.append(("documentation", .object([("kind", .string("markdown")), ("value", .string(doc))]))) }
            if let insert { members.append(("insertText", .string(insert))) }
            items.append(.object(members))
        }
        let workflow = enclosingWorkflow(result, file, offset)

        // Inside `on "`: event names.
        if let quote = prefix.lastIndex(of: "\""), prefix[..<quote].trimmingCharacters(in: .whitespaces) == "on",
           !prefix[prefix.index(after: quote)...].contains("\"") {
            for event in result.project.events { item(event.name, 23, detail: "event", doc: event.doc) }
            return .array(items)
        }
        // After a dot: fields, steps, actions.
        if let path = Self.trailingPath(prefix) {
            let (components, _) = path
            if components.count == 1, let connector = result.project.connectors.first(where: { $0.name == components[0] }) ?? Self.connector(named: components[0], result),
               prefix.range(of: "step ") != nil, prefix.contains("=") {
                for action in connector.actions { item(action.name, 2, detail: "\(action.method) -> \(action.output.description)", doc: action.doc) }
                return .array(items)
            }
            var type: AlloyType?
            var rest = components
            switch components.first {
            case "event":
                type = workflow.flatMap { self.eventType($0, result) }
                rest.removeFirst()
            case "user":
                type = .record(AlloyType.Record(fields: [AlloyType.Field(name: "id", type: .string, doc: "The end user the event was sent for.")]))
                rest.removeFirst()
            case "steps":
                rest.removeFirst()
                if rest.isEmpty {
                    for reference in stepDeclarations(result, workflow) { item(reference.name, 6, detail: Self.expanded(reference.type), doc: reference.doc) }
                    return .array(items)
                }
                let name = rest.removeFirst()
                type = stepDeclarations(result, workflow).first { $0.name == name }?.type
            case let name?:
                // A loop variable bound before this point.
                type = result.references.last { $0.kind == .variable && $0.name == name && $0.isDeclaration && $0.span.file == file && $0.span.start < offset }?.type
                rest.removeFirst()
            case nil:
                break
            }
            for component in rest {
                guard case .record(let record)? = type?.unwrapped else { type = nil; break }
                type = record.field(component)?.type
            }
            if case .record(let record)? = type?.unwrapped {
                for field in record.fields { item(field.name, 5, detail: field.type.description, doc: field.doc) }
            }
            return .array(items)
        }
        // `step name = ` : connectors.
        if prefix.range(of: #"^\s*step\s+\w+\s*=\s*\w*$"#, options: .regularExpression) != nil {
            for connector in Self.allConnectors(result) { item(connector.name, 9, detail: "connector", doc: connector.doc) }
            return .array(items)
        }
        // Inside a step's braces at the start of an entry: the action's inputs not yet given.
        if prefix.range(of: #"(^|[{,])\s*\w*$"#, options: .regularExpression) != nil, let step = enclosingStep(result, file, offset),
           let action = (Self.connector(named: step.connector.name, result))?.action(step.action.name) {
            let given = Set(step.arguments.map(\.name.name))
            for field in action.input.fields where !given.contains(field.name) {
                item(field.name, 10, detail: field.type.description, doc: field.doc, insert: "\(field.name): ")
            }
        }
        return .array(items)
    }

    /// `a.b.c.` or `a.b.par` at the end of a line prefix: the complete components.
    static func trailingPath(_ prefix: String) -> ([String], String)? {
        guard let match = prefix.range(of: #"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*\.[A-Za-z0-9_]*$"#, options: .regularExpression) else { return nil }
        var parts = prefix[match].split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        let partial = parts.removeLast()
        return (parts, partial)
    }

    static func connector(named name: String, _ result: Compiler.Result) -> ConnectorIR? {
        allConnectors(result).first { $0.name == name }
    }

    /// Project connectors, used standard ones, and every standard one not replaced.
    static func allConnectors(_ result: Compiler.Result) -> [ConnectorIR] {
        var byName: [String: ConnectorIR] = [:]
        for connector in result.project.connectors { byName[connector.name] = connector }
        if byName["http"] == nil { byName["http"] = Checker.builtinHTTP }
        let library = Compiler.check([])
        for connector in library.project.connectors where byName[connector.name] == nil { byName[connector.name] = connector }
        return byName.values.sorted { $0.name < $1.name }
    }

    private func enclosingWorkflow(_ result: Compiler.Result, _ file: Int, _ offset: Int) -> WorkflowDeclaration? {
        for case .workflow(let workflow) in result.syntax[file].declarations where workflow.span.contains(offset) { return workflow }
        return nil
    }

    private func eventType(_ workflow: WorkflowDeclaration, _ result: Compiler.Result) -> AlloyType? {
        guard let trigger = workflow.trigger else { return nil }
        return result.project.events.first { $0.name == trigger.name }.map { .record($0.schema) }
    }

    private func stepDeclarations(_ result: Compiler.Result, _ workflow: WorkflowDeclaration?) -> [SymbolReference] {
        guard let workflow else { return [] }
        return result.references.filter { $0.kind == .step && $0.isDeclaration && $0.span.file == workflow.span.file && workflow.span.contains($0.span.start) }
    }

    private func enclosingStep(_ result: Compiler.Result, _ file: Int, _ offset: Int) -> StepSyntax? {
        func search(_ body: [Statement]) -> StepSyntax? {
            for statement in body {
                switch statement {
                case .step(let step): if step.argumentsSpan.start < offset && step.argumentsSpan.end > offset { return step }
                case .ifElse(let statement):
                    for branch in statement.branches { if let found = search(branch.body) { return found } }
                    if let found = search(statement.elseBody ?? []) { return found }
                case .forLoop(let loop): if let found = search(loop.body) { return found }
                }
            }
            return nil
        }
        guard let workflow = enclosingWorkflow(result, file, offset) else { return nil }
        return search(workflow.body)
    }
}
