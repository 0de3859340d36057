import AlloyCore

/// Lowers the typed IR to an `alloy-plan/1` document: the versioned JSON contract with the
/// runtime. Expressions become small operation trees, so the runtime never parses source.
/// The output is deterministic: the same sources give byte-identical plans.
public final class PlanEmitter {
    /// The format tag every plan carries.
    public static let format = "alloy-plan/1"

    private let files: [SourceFile]
    private let projectFileCount: Int
    private var extraFiles: [Int] = []

    private init(files: [SourceFile], projectFileCount: Int) {
        self.files = files
        self.projectFileCount = projectFileCount
    }

    /// Builds the plan for a checked project.
    public static func emit(_ project: CheckedProject, files: [SourceFile], projectFileCount: Int? = nil) -> JSONValue {
        let count = projectFileCount ?? files.filter { !$0.path.hasPrefix("<std>/") }.count
        let emitter = PlanEmitter(files: files, projectFileCount: count)
        return emitter.plan(project)
    }

    /// The bytes of a plan as written to disk: pretty-printed with a final newline.
    public static func serialize(_ plan: JSONValue) -> String {
        plan.serialized(pretty: true) + "\n"
    }

    private func plan(_ project: CheckedProject) -> JSONValue {
        let events = JSONValue.array(project.events.map { self.event($0) })
        let connectors = JSONValue.array(project.connectors.map { self.connector($0) })
        let workflows = JSONValue.array(project.workflows.map { self.workflow($0) })
        var fileList = (0..<projectFileCount).map { JSONValue.string(files[$0].path) }
        fileList += extraFiles.map { JSONValue.string(files[$0].path) }
        let body: [(String, JSONValue)] = [
            ("files", .array(fileList)),
            ("events", events),
            ("connectors", connectors),
            ("workflows", workflows),
        ]
        let hash = SHA256.hex(JSONValue.object(body).serializedBytes())
        return .object([("format", .string(PlanEmitter.format)), ("hash", .string("sha256:" + hash))] + body)
    }

    private func span(_ span: Span?) -> JSONValue {
        guard let span, span.file < files.count else { return .null }
        var index = span.file
        if index >= projectFileCount {
            if let existing = extraFiles.firstIndex(of: index) {
                index = projectFileCount + existing
            } else {
                extraFiles.append(index)
                index = projectFileCount + extraFiles.count - 1
            }
        }
        let file = files[span.file]
        let start = file.location(of: span.start), end = file.location(of: span.end)
        // [file, line, column, endLine, endColumn]: compact, since every node carries one.
        return .array([.int(Int64(index)), .int(Int64(start.line)), .int(Int64(start.column)),
                       .int(Int64(end.line)), .int(Int64(end.column))])
    }

    private func withDoc(_ members: [(String, JSONValue)], _ doc: String?) -> JSONValue {
        guard let doc else { return .object(members) }
        var result = members
        result.insert(("doc", .string(doc)), at: 1)
        return .object(result)
    }

    // MARK: Declarations

    private func event(_ event: EventIR) -> JSONValue {
        withDoc([
            ("name", .string(event.name)),
            ("span", span(event.span)),
            ("schema", type(.record(event.schema))),
            ("samples", .array(event.samples)),
        ], event.doc)
    }

    private func connector(_ connector: ConnectorIR) -> JSONValue {
        let auth: JSONValue
        switch connector.auth {
        case .bearer: auth = .object([("kind", .string("bearer"))])
        case .header(let name): auth = .object([("kind", .string("header")), ("name", .string(name))])
        case .none: auth = .object([("kind", .string("none"))])
        }
        return withDoc([
            ("name", .string(connector.name)),
            ("builtin", .bool(connector.isBuiltin)),
            ("base", connector.base.map(JSONValue.string) ?? .null),
            ("auth", auth),
            ("span", span(connector.span)),
            ("actions", .array(connector.actions.map { self.action($0) })),
        ], connector.doc)
    }

    private func action(_ action: ActionIR) -> JSONValue {
        withDoc([
            ("name", .string(action.name)),
            ("method", .string(action.method)),
            ("path", .array(action.path.map { part in
                switch part {
                case .text(let text): return .object([("text", .string(text))])
                case .input(let name): return .object([("input", .string(name))])
                }
            })),
            ("input", type(.record(action.input))),
            ("output", type(action.output)),
            ("span", span(action.span)),
        ], action.doc)
    }

    private func workflow(_ workflow: WorkflowIR) -> JSONValue {
        withDoc([
            ("name", .string(workflow.name)),
            ("on", .string(workflow.trigger)),
            ("span", span(workflow.span)),
            ("body", .array(workflow.body.map { self.statement($0) })),
        ], workflow.doc)
    }

    private func statement(_ statement: StatementIR) -> JSONValue {
        switch statement {
        case .step(let step):
            return .object([
                ("kind", .string("step")),
                ("name", .string(step.name)),
                ("connector", .string(step.connector)),
                ("action", .string(step.action)),
                ("span", span(step.span)),
                ("inputs", .array(step.inputs.map { input in
                    .object([("name", .string(input.name)), ("value", expression(input.value))])
                })),
            ])
        case .ifElse(let branches, let elseBody, let statementSpan):
            var members: [(String, JSONValue)] = [
                ("kind", .string("if")),
                ("span", span(statementSpan)),
                ("branches", .array(branches.map { branch in
                    .object([
                        ("condition", expression(branch.condition)),
                        ("body", .array(branch.body.map { self.statement($0) })),
                    ])
                })),
            ]
            if let elseBody { members.append(("else", .array(elseBody.map { self.statement($0) }))) }
            return .object(members)
        case .forLoop(let variable, let sequence, let body, let statementSpan):
            return .object([
                ("kind", .string("for")),
                ("variable", .string(variable)),
                ("span", span(statementSpan)),
                ("in", expression(sequence)),
                ("body", .array(body.map { self.statement($0) })),
            ])
        }
    }

    // MARK: Types and expressions

    /// A type as plan JSON.
    public func type(_ type: AlloyType) -> JSONValue {
        switch type {
        case .string: return .object([("kind", .string("string"))])
        case .int: return .object([("kind", .string("int"))])
        case .number: return .object([("kind", .string("number"))])
        case .bool: return .object([("kind", .string("bool"))])
        case .email: return .object([("kind", .string("email"))])
        case .url: return .object([("kind", .string("url"))])
        case .dateTime: return .object([("kind", .string("datetime"))])
        case .literals(let values): return .object([("kind", .string("enum")), ("values", .array(values.map(JSONValue.string)))])
        case .array(let element): return .object([("kind", .string("array")), ("items", self.type(element))])
        case .optional(let inner): return .object([("kind", .string("optional")), ("of", self.type(inner))])
        case .record(let record):
            return .object([("kind", .string("object")), ("fields", .array(record.fields.map { field in
                var members: [(String, JSONValue)] = [("name", .string(field.name)), ("type", self.type(field.type))]
                if let doc = field.doc { members.append(("doc", .string(doc))) }
                return .object(members)
            }))])
        case .json, .null, .nothing, .error: return .object([("kind", .string("json"))])
        }
    }

    private func expression(_ expression: TypedExpression) -> JSONValue {
        var members: [(String, JSONValue)]
        switch expression.kind {
        case .literal(let value):
            members = [("op", .string("lit")), ("value", value)]
        case .root, .member:
            if let (root, name, path) = PlanEmitter.flattenPath(expression) {
                members = [("op", .string("path")), ("root", .string(root))]
                if let name { members.append(("name", .string(name))) }
                members.append(("path", .array(path.map(JSONValue.string))))
            } else if case .member(let base, let field) = expression.kind {
                members = [("op", .string("member")), ("of", self.expression(base)), ("field", .string(field))]
            } else {
                members = [("op", .string("lit")), ("value", .null)]
            }
        case .index(let base, let index):
            members = [("op", .string("index")), ("of", self.expression(base)), ("index", self.expression(index))]
        case .call(let function, let arguments):
            members = [("op", .string("call")), ("fn", .string(function.rawValue)), ("args", .array(arguments.map { self.expression($0) }))]
        case .interpolation(let parts):
            members = [("op", .string("interp")), ("parts", .array(parts.map { part in
                switch part {
                case .text(let text): return .string(text)
                case .value(let value): return self.expression(value)
                }
            }))]
        case .array(let items):
            members = [("op", .string("array")), ("items", .array(items.map { self.expression($0) }))]
        case .object(let fields):
            members = [("op", .string("object")), ("fields", .array(fields.map { field in
                .object([("name", .string(field.0)), ("value", self.expression(field.1))])
            }))]
        case .unary(let op, let operand):
            members = [("op", .string(op == .not ? "not" : "neg")), ("arg", self.expression(operand))]
        case .binary(let op, let left, let right):
            members = [("op", .string(op.rawValue)), ("left", self.expression(left)), ("right", self.expression(right))]
        case .conditional(let condition, let then, let otherwise):
            members = [("op", .string("cond")), ("if", self.expression(condition)), ("then", self.expression(then)), ("else", self.expression(otherwise))]
        }
        members.append(("span", span(expression.span)))
        return .object(members)
    }

    /// A chain of field reads from a root, as (root, root name, fields).
    static func flattenPath(_ expression: TypedExpression) -> (String, String?, [String])? {
        switch expression.kind {
        case .root(let root):
            switch root {
            case .event: return ("event", nil, [])
            case .user: return ("user", nil, [])
            case .input: return ("input", nil, [])
            case .step(let name): return ("step", name, [])
            case .variable(let name): return ("var", name, [])
            }
        case .member(let base, let field):
            guard let (root, name, path) = flattenPath(base) else { return nil }
            return (root, name, path + [field])
        default:
            return nil
        }
    }
}
