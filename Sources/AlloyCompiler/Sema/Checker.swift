import AlloyCore

/// Resolves names and checks types across a whole project, producing the typed IR.
///
/// Every rule of the language lives here. An expression that already has an error gets the
/// type `.error`, which is assignable everywhere and has every field, so one mistake gives
/// one diagnostic.
public struct Checker {
    let files: [SourceFile]
    let syntax: [SyntaxFile]
    /// Files at or after this index are the standard library.
    let standardLibraryStart: Int
    var bag = DiagnosticBag()

    var typeDeclarations: [String: TypeDeclaration] = [:]
    var resolvedTypes: [String: AlloyType] = [:]
    var resolving: [String] = []
    var eventDeclarations: [String: EventDeclaration] = [:]
    var eventTypes: [String: AlloyType] = [:]
    var connectorDeclarations: [String: ConnectorDeclaration] = [:]
    var connectors: [String: ConnectorIR] = [:]
    var usedEvents: Set<String> = []
    /// Every step declared in the workflow being checked, for "declared later" messages.
    var currentSteps: [String: Span] = [:]
    /// The step whose inputs are being checked.
    var currentStep: String?
    /// Every occurrence of a named thing, for editors.
    var references: [SymbolReference] = []
    var reportedAliasChain = false
    /// Only editors need references; the command line skips recording them.
    var recordsReferences = true

    /// Checks a parsed project. `standardLibraryStart` is the index of the first standard library file.
    public static func check(files: [SourceFile], syntax: [SyntaxFile], standardLibraryStart: Int) -> (CheckedProject, [Diagnostic]) {
        let (project, diagnostics, _) = checkWithReferences(files: files, syntax: syntax, standardLibraryStart: standardLibraryStart, recordReferences: false)
        return (project, diagnostics)
    }

    /// Checks a project and also returns every symbol occurrence.
    public static func checkWithReferences(files: [SourceFile], syntax: [SyntaxFile], standardLibraryStart: Int,
                                           recordReferences: Bool = true) -> (CheckedProject, [Diagnostic], [SymbolReference]) {
        var checker = Checker(files: files, syntax: syntax, standardLibraryStart: standardLibraryStart)
        checker.recordsReferences = recordReferences
        let project = checker.run()
        return (project, checker.bag.diagnostics, checker.references)
    }

    mutating func reference(_ kind: SymbolReference.Kind, _ name: String, at span: Span, declaration: Span?, type: AlloyType? = nil, doc: String? = nil) {
        guard recordsReferences else { return }
        references.append(SymbolReference(kind: kind, name: name, span: span, declaration: declaration, type: type, doc: doc))
    }

    // MARK: Declarations

    private mutating func run() -> CheckedProject {
        var workflows: [WorkflowDeclaration] = []
        var workflowNames: [String: Span] = [:]
        var events: [EventDeclaration] = []
        var connectorOrder: [ConnectorDeclaration] = []
        var standardConnectors: [String: ConnectorDeclaration] = [:]

        for file in syntax {
            let isStandard = file.file >= standardLibraryStart
            for declaration in file.declarations {
                switch declaration {
                case .type(let type):
                    guard !type.name.isMissing else { continue }
                    if let first = typeDeclarations[type.name.name] {
                        duplicate("type '\(type.name.name)'", type.name.span, first: first.name.span)
                    } else if AlloyType.builtins[type.name.name] != nil {
                        bag.error(.duplicateName, "'\(type.name.name)' is a built-in type and cannot be redeclared", at: type.name.span)
                    } else {
                        typeDeclarations[type.name.name] = type
                    }
                case .event(let event):
                    guard !event.name.isMissing else { continue }
                    if let first = eventDeclarations[event.name.name] {
                        duplicate("event \"\(event.name.name)\"", event.name.span, first: first.name.span)
                    } else {
                        eventDeclarations[event.name.name] = event
                        events.append(event)
                    }
                case .connector(let connector):
                    guard !connector.name.isMissing else { continue }
                    if isStandard {
                        standardConnectors[connector.name.name] = connector
                    } else if let first = connectorDeclarations[connector.name.name] {
                        duplicate("connector '\(connector.name.name)'", connector.name.span, first: first.name.span)
                    } else {
                        connectorDeclarations[connector.name.name] = connector
                        connectorOrder.append(connector)
                    }
                case .workflow(let workflow):
                    guard !workflow.name.isMissing else { workflows.append(workflow); continue }
                    if let first = workflowNames[workflow.name.name] {
                        duplicate("workflow \"\(workflow.name.name)\"", workflow.name.span, first: first)
                    } else {
                        workflowNames[workflow.name.name] = workflow.name.span
                    }
                    workflows.append(workflow)
                }
            }
        }

        // Types, in declaration order, so errors appear once at the declaration.
        for file in syntax {
            for case .type(let type) in file.declarations where typeDeclarations[type.name.name]?.name.span == type.name.span {
                let resolved = resolveNamedType(type.name.name, at: type.name.span)
                if let index = references.lastIndex(where: { $0.span == type.name.span }) { references[index].type = resolved }
            }
        }

        // Connectors: the built-in http, then the standard library, then the project's own,
        // which replace standard ones of the same name.
        connectors["http"] = Checker.httpConnector
        for (name, declaration) in standardConnectors.sorted(by: { $0.key < $1.key }) where connectorDeclarations[name] == nil {
            connectors[name] = checkConnector(declaration)
        }
        for declaration in connectorOrder {
            connectors[declaration.name.name] = checkConnector(declaration)
        }

        var eventIRs: [EventIR] = []
        for event in events {
            eventIRs.append(checkEvent(event))
        }

        var workflowIRs: [WorkflowIR] = []
        for workflow in workflows {
            if let checked = checkWorkflow(workflow) { workflowIRs.append(checked) }
        }

        for event in events where !usedEvents.contains(event.name.name) && event.span.file < standardLibraryStart {
            bag.error(.unusedEvent, "event \"\(event.name.name)\" triggers no workflow", at: event.name.span,
                      help: ["add a workflow with 'on \"\(event.name.name)\"', or remove the event"])
        }

        let usedConnectors = Set(workflowIRs.flatMap { Checker.connectorsCalled(in: $0.body) })
        let connectorIRs = connectors.values
            .filter { ir in connectorDeclarations[ir.name] != nil || usedConnectors.contains(ir.name) }
            .sorted { $0.name < $1.name }
        return CheckedProject(
            events: eventIRs.sorted { $0.name < $1.name },
            connectors: connectorIRs,
            workflows: workflowIRs.sorted { $0.name < $1.name })
    }

    private static func connectorsCalled(in body: [StatementIR]) -> [String] {
        body.flatMap { statement -> [String] in
            switch statement {
            case .step(let step): return [step.connector]
            case .ifElse(let branches, let elseBody, _):
                return branches.flatMap { connectorsCalled(in: $0.body) } + connectorsCalled(in: elseBody ?? [])
            case .forLoop(_, _, let body, _): return connectorsCalled(in: body)
            }
        }
    }

    mutating func duplicate(_ what: String, _ span: Span, first: Span) {
        bag.error(.duplicateName, "\(what) is declared more than once", at: span,
                  notes: [Diagnostic.Note("first declared here", at: first)])
    }

    // MARK: Types

    mutating func resolveNamedType(_ name: String, at span: Span) -> AlloyType {
        // A long chain of aliases (T1 = T2, T2 = T3, …) must not exhaust the stack.
        guard resolving.count < 256 else {
            if !reportedAliasChain {
                reportedAliasChain = true
                bag.error(.recursiveType, "type '\(name)' is reached through more than 256 aliases", at: span)
            }
            return .error
        }
        if let builtin = AlloyType.builtins[name] { return builtin }
        if let declaration = typeDeclarations[name] {
            reference(.type, name, at: span, declaration: declaration.name.span, doc: declaration.doc)
        }
        if let resolved = resolvedTypes[name] { return resolved }
        guard let declaration = typeDeclarations[name] else {
            let candidates = Array(AlloyType.builtins.keys) + Array(typeDeclarations.keys)
            let suggestions = Suggestions.closest(to: name, among: candidates)
            bag.error(.unknownType, "unknown type '\(name)'", at: span, help: Suggestions.help(suggestions),
                      fixes: fixes(for: suggestions, at: span))
            return .error
        }
        if let cycleStart = resolving.firstIndex(of: name) {
            let cycle = resolving[cycleStart...] + [name]
            bag.error(.recursiveType, "type '\(name)' refers to itself: \(cycle.joined(separator: " → "))", at: span,
                      notes: [Diagnostic.Note("'\(name)' is declared here", at: declaration.name.span)],
                      help: ["types describe JSON documents of finite depth; use JSON for a value of unknown shape"])
            resolvedTypes[name] = .error
            return .error
        }
        resolving.append(name)
        var type = resolveType(declaration.type)
        resolving.removeLast()
        if case .record(var record) = type {
            record.name = name
            type = .record(record)
        }
        // Aliases expand structurally, so bound what one can expand to: deep or huge types
        // would make plans (and every walk over types) explode.
        if resolvedTypes[name] == nil, let problem = Checker.sizeProblem(type) {
            bag.error(.recursiveType, "type '\(name)' \(problem)", at: declaration.name.span,
                      help: ["use JSON for a value of unknown or very large shape"])
            type = .error
        }
        if resolvedTypes[name] == nil { resolvedTypes[name] = type }
        return resolvedTypes[name] ?? type
    }

    /// The most levels and parts a declared type may expand to.
    static let maxTypeDepth = 48, maxTypeSize = 10_000

    /// Why a resolved type is too big, or nil.
    static func sizeProblem(_ type: AlloyType) -> String? {
        var size = 0
        var tooDeep = false
        func walk(_ type: AlloyType, _ depth: Int) {
            size += 1
            if depth > maxTypeDepth { tooDeep = true }
            if tooDeep || size > maxTypeSize { return }
            switch type {
            case .array(let inner), .optional(let inner): walk(inner, depth + 1)
            case .record(let record): for field in record.fields { walk(field.type, depth + 1) }
            default: break
            }
        }
        walk(type, 1)
        if tooDeep { return "nests more than \(maxTypeDepth) levels deep once its aliases are expanded" }
        if size > maxTypeSize { return "expands to more than \(maxTypeSize) parts once its aliases are expanded" }
        return nil
    }

    mutating func resolveType(_ syntax: TypeSyntax) -> AlloyType {
        switch syntax.kind {
        case .named(let name):
            return name.isMissing ? .error : resolveNamedType(name.name, at: name.span)
        case .optional(let inner):
            return resolveType(inner).optional
        case .array(let element):
            return .array(resolveType(element))
        case .record(let fields):
            return .record(resolveFields(fields, in: "record"))
        case .literals(let values):
            var seen: [String: Span] = [:]
            for value in values where !value.isMissing {
                if let first = seen[value.name] {
                    duplicate("the literal \"\(value.name)\"", value.span, first: first)
                }
                seen[value.name] = value.span
            }
            // Declaration order is kept: messages list the values as the schema does.
            var names: [String] = []
            for value in values where !value.isMissing && !names.contains(value.name) { names.append(value.name) }
            return names.isEmpty ? .error : .literals(names)
        case .missing:
            return .error
        }
    }

    mutating func resolveFields(_ fields: [FieldSyntax], in what: String) -> AlloyType.Record {
        var seen: [String: Span] = [:]
        var result: [AlloyType.Field] = []
        for field in fields where !field.name.isMissing {
            if let first = seen[field.name.name] {
                duplicate("field '\(field.name.name)'", field.name.span, first: first)
                continue
            }
            seen[field.name.name] = field.name.span
            let type = resolveType(field.type)
            reference(.field, field.name.name, at: field.name.span, declaration: field.name.span, type: type, doc: field.doc)
            result.append(AlloyType.Field(name: field.name.name, type: type, doc: field.doc, span: field.name.span))
        }
        return AlloyType.Record(fields: result)
    }

    // MARK: Events and samples

    private mutating func checkEvent(_ event: EventDeclaration) -> EventIR {
        let schema = resolveFields(event.schema ?? [], in: "schema")
        let type: AlloyType = event.schema == nil ? .error : .record(schema)
        reference(.event, event.name.name, at: event.name.span, declaration: event.name.span, type: type, doc: event.doc)
        eventTypes[event.name.name] = type
        var samples: [JSONValue] = []
        for sample in event.samples {
            var sampleBag = DiagnosticBag()
            let value = checkSample(sample, against: type, path: "", bag: &sampleBag)
            for diagnostic in sampleBag.diagnostics { bag.add(diagnostic) }
            if let value, !sampleBag.hasErrors { samples.append(value) }
        }
        return EventIR(name: event.name.name, doc: event.doc, schema: schema, samples: samples, span: event.name.span)
    }

    /// Checks a sample value against the schema type and converts it to JSON.
    private mutating func checkSample(_ expression: Expression, against type: AlloyType, path: String, bag: inout DiagnosticBag) -> JSONValue? {
        let place = path.isEmpty ? "the sample" : "sample field '\(path)'"
        func fail(_ message: String, help: [String] = []) -> JSONValue? {
            bag.error(.invalidSample, message, at: expression.span, help: help)
            return nil
        }
        switch type {
        case .error:
            return constantValue(expression)
        case .json:
            guard let value = constantValue(expression) else { return fail("\(place) must be a literal value") }
            return value
        case .optional(let inner):
            if case .null = expression.kind { return .null }
            return checkSample(expression, against: inner, path: path, bag: &bag)
        default:
            break
        }
        switch (type, expression.kind) {
        case (_, .null):
            return fail("\(place) is null, but \(type.description) is not optional", help: ["make the field optional in the schema ('\(type.description)?') or give a value"])
        case (.string, .string), (.email, .string), (.url, .string), (.dateTime, .string), (.literals, .string):
            guard let value = expression.plainString else { return fail("\(place) must be a plain string: samples cannot interpolate") }
            if let format = type.format, let problem = format.problem(value) {
                return fail("\(place): \(problem)")
            }
            if case .literals(let allowed) = type, !allowed.contains(value) {
                let suggestions = Suggestions.closest(to: value, among: allowed)
                return fail("\(place): expected one of \(allowed.map { "\"\($0)\"" }.joined(separator: ", ")), got \"\(value)\"", help: Suggestions.help(suggestions))
            }
            return .string(value)
        case (.int, .int(let value)):
            return .int(value)
        case (.int, .number(let value)) where value.rounded() == value && abs(value) < 9.2e18:
            // The runtime accepts integral numbers such as 2.0 as Int, and so do samples.
            return .int(Int64(value))
        case (.number, .int(let value)):
            return .int(value)
        case (.number, .number(let value)):
            return .number(value)
        case (.bool, .bool(let value)):
            return .bool(value)
        case (.array(let element), .array(let values)):
            var result: [JSONValue] = []
            var ok = true
            for (index, value) in values.enumerated() {
                if let checked = checkSample(value, against: element, path: "\(path)[\(index)]", bag: &bag) { result.append(checked) } else { ok = false }
            }
            return ok ? .array(result) : nil
        case (.record(let record), .object(let entries)):
            var members: [(String, JSONValue)] = []
            var ok = true
            var seen = Set<String>()
            for entry in entries {
                let fieldPath = path.isEmpty ? entry.key.name : "\(path).\(entry.key.name)"
                guard seen.insert(entry.key.name).inserted else {
                    bag.error(.duplicateName, "\(place) gives '\(entry.key.name)' more than once", at: entry.key.span)
                    ok = false
                    continue
                }
                if let field = record.field(entry.key.name) {
                    reference(.field, field.name, at: entry.key.span, declaration: field.span, type: field.type, doc: field.doc)
                }
                guard let field = record.field(entry.key.name) else {
                    let suggestions = Suggestions.closest(to: entry.key.name, among: record.fields.map(\.name))
                    bag.error(.invalidSample, "sample field '\(fieldPath)' is not in the schema", at: entry.key.span,
                              help: Suggestions.help(suggestions), fixes: fixes(for: suggestions, at: entry.key.span))
                    ok = false
                    continue
                }
                if let value = checkSample(entry.value, against: field.type, path: fieldPath, bag: &bag) {
                    members.append((entry.key.name, value))
                } else {
                    ok = false
                }
            }
            let missing = record.fields.filter { !seen.contains($0.name) && !$0.type.isOptional && $0.type != .error }
            for field in missing {
                let fieldPath = path.isEmpty ? field.name : "\(path).\(field.name)"
                bag.error(.invalidSample, "\(place) is missing the required field '\(fieldPath)' (\(field.type.description))", at: expression.span,
                          notes: field.span.map { [Diagnostic.Note("'\(field.name)' is declared here", at: $0)] } ?? [])
                ok = false
            }
            return ok ? .object(members) : nil
        case (_, .missing):
            return nil
        default:
            guard let value = constantValue(expression) else { return fail("\(place) must be a literal value") }
            return fail("\(place): expected \(type.description), got \(Checker.describe(value))")
        }
    }

    static func describe(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool(let v): return "\(v)"
        case .int(let v): return "\(v)"
        case .number(let v): return JSONValue.format(v)
        case .string(let v): return "\"\(v)\""
        case .array: return "an array"
        case .object: return "an object"
        }
    }

    /// The JSON value of a literal expression, or nil when it is not constant.
    func constantValue(_ expression: Expression) -> JSONValue? {
        switch expression.kind {
        case .null: return .null
        case .bool(let value): return .bool(value)
        case .int(let value): return .int(value)
        case .number(let value): return .number(value)
        case .string: return expression.plainString.map(JSONValue.string)
        case .array(let values):
            var result: [JSONValue] = []
            for value in values {
                guard let constant = constantValue(value) else { return nil }
                result.append(constant)
            }
            return .array(result)
        case .object(let entries):
            var result: [(String, JSONValue)] = []
            for entry in entries {
                guard let constant = constantValue(entry.value) else { return nil }
                result.append((entry.key.name, constant))
            }
            return .object(result)
        default: return nil
        }
    }

    // MARK: Connectors

    /// The built-in `http` connector.
    public static var builtinHTTP: ConnectorIR { httpConnector }

    static let httpConnector = ConnectorIR(
        name: "http",
        doc: "Calls any URL: the built-in connector for webhooks and APIs without a connector of their own.",
        base: nil, auth: .none,
        actions: [
            ActionIR(name: "post", doc: "POSTs `body` as JSON to `url`, an absolute http(s) URL.", method: "POST", path: [],
                     input: AlloyType.Record(fields: [AlloyType.Field(name: "url", type: .string), AlloyType.Field(name: "body", type: .json)]),
                     output: httpResponse, span: nil),
            ActionIR(name: "get", doc: "GETs `url`, an absolute http(s) URL.", method: "GET", path: [],
                     input: AlloyType.Record(fields: [AlloyType.Field(name: "url", type: .string)]),
                     output: httpResponse, span: nil),
        ],
        isBuiltin: true, span: nil)

    static let httpResponse = AlloyType.record(AlloyType.Record(name: "HTTPResponse", fields: [
        AlloyType.Field(name: "status", type: .int), AlloyType.Field(name: "body", type: .json.optional),
    ]))

    private mutating func checkConnector(_ declaration: ConnectorDeclaration) -> ConnectorIR {
        var base: String?
        if let written = declaration.base {
            if !written.isMissing {
                if StringFormat.isURL(written.name) {
                    base = written.name
                } else {
                    bag.error(.invalidLiteral, "the base \"\(written.name)\" is not an absolute http(s) URL", at: written.span,
                              help: ["write the API root, as in base \"https://api.example.com\""])
                }
            }
        } else {
            bag.error(.syntax, "connector '\(declaration.name.name)' has no base URL", at: declaration.name.span,
                      help: ["add 'base \"https://…\"' inside the connector"])
        }
        let auth: AuthKind
        switch declaration.auth?.kind {
        case .bearer?: auth = .bearer
        case .header(let name)?: auth = .header(name)
        case .none?, nil: auth = .none
        }
        var actions: [ActionIR] = []
        var seen: [String: Span] = [:]
        for action in declaration.actions where !action.name.isMissing {
            if let first = seen[action.name.name] {
                duplicate("action '\(action.name.name)'", action.name.span, first: first)
                continue
            }
            seen[action.name.name] = action.name.span
            let input = resolveFields(action.input, in: "input")
            let output = action.output.map { resolveType($0) } ?? .json
            let path = checkPath(action.path, input: input)
            actions.append(ActionIR(name: action.name.name, doc: action.doc, method: action.method.name, path: path,
                                    input: input, output: output, span: action.name.span))
        }
        if declaration.name.span.file < standardLibraryStart {
            reference(.connector, declaration.name.name, at: declaration.name.span, declaration: declaration.name.span, doc: declaration.doc)
            for action in actions {
                if let span = action.span { reference(.action, action.name, at: span, declaration: span, type: action.output, doc: action.doc) }
            }
        }
        return ConnectorIR(name: declaration.name.name, doc: declaration.doc, base: base, auth: auth, actions: actions,
                           isBuiltin: false, span: declaration.name.span)
    }

    private mutating func checkPath(_ path: Expression, input: AlloyType.Record) -> [ActionIR.PathPart] {
        guard case .string(let parts) = path.kind else { return [] }
        var result: [ActionIR.PathPart] = []
        if case .text(let text, _)? = parts.first, text.hasPrefix("/") {
        } else {
            bag.error(.invalidLiteral, "an action path must start with '/'", at: path.span,
                      help: ["the path is appended to the connector's base URL, as in \"/chat.postMessage\""])
        }
        for part in parts {
            switch part {
            case .text(let text, _):
                result.append(.text(text))
            case .interpolation(let expression):
                guard case .member(let base, let field) = expression.kind, case .name("input") = base.kind else {
                    bag.error(.unknownName, "a path can only interpolate the action's inputs, as in {{input.id}}", at: expression.span)
                    continue
                }
                if let declared = input.field(field.name) {
                    reference(.input, field.name, at: field.span, declaration: declared.span, type: declared.type, doc: declared.doc)
                }
                guard let declared = input.field(field.name) else {
                    let suggestions = Suggestions.closest(to: field.name, among: input.fields.map(\.name))
                    bag.error(.unknownField, "the action has no input '\(field.name)'", at: field.span,
                              help: Suggestions.help(suggestions), fixes: fixes(for: suggestions, at: field.span))
                    continue
                }
                if declared.type.isOptional {
                    bag.error(.optionalValue, "input '\(field.name)' is optional (\(declared.type.description)), but a path needs a value", at: expression.span,
                              help: ["make the input required: '\(field.name): \(declared.type.unwrapped.description)'"])
                } else if !declared.type.isScalar && !declared.type.isError {
                    bag.error(.typeMismatch, "a path can only interpolate strings, numbers and booleans, but input '\(field.name)' is \(declared.type.description)", at: expression.span)
                }
                result.append(.input(field.name))
            }
        }
        return result
    }

    // MARK: Fix-its

    func fixes(for suggestions: [String], at span: Span) -> [Diagnostic.FixIt] {
        guard suggestions.count == 1, let only = suggestions.first else { return [] }
        return [Diagnostic.FixIt("replace with '\(only)'", span: span, replacement: only)]
    }

    func sourceText(_ span: Span) -> String {
        guard span.file < files.count else { return "" }
        return files[span.file].text(span.start..<span.end)
    }
}
