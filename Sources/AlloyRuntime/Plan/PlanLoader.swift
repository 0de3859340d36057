import AlloyCore

/// Why a plan could not be loaded. Every case is a clear message for exit code 2.
public struct PlanLoadError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }

    public init(message: String) {
        self.message = message
    }
}

/// Reads `alloy-plan/1` documents.
public enum PlanLoader {
    /// The only format this runtime reads.
    public static let supportedFormat = "alloy-plan/1"

    /// Loads a plan from its bytes, verifying its format and content hash.
    public static func load(_ bytes: [UInt8]) throws(PlanLoadError) -> LoadedPlan {
        let document: JSONValue
        do {
            document = try JSONReader.parse(bytes, maxDepth: 512)
        } catch {
            throw PlanLoadError(message: "the plan is not valid JSON (\(error)); compile it again with 'alloyc compile'")
        }
        guard case .object(let members) = document else { throw PlanLoadError(message: "the plan is not a JSON object") }
        guard let format = document["format"]?.stringValue else {
            throw PlanLoadError(message: "the file has no \"format\": it is not an alloy plan")
        }
        guard format == supportedFormat else {
            throw PlanLoadError(message: "unsupported plan format \"\(format)\": this runtime reads \(supportedFormat)")
        }
        let body = members.filter { $0.0 != "format" && $0.0 != "hash" }
        guard let hash = document["hash"]?.stringValue else { throw PlanLoadError(message: "the plan has no content hash") }
        let actual = "sha256:" + SHA256.hex(JSONValue.object(body).serializedBytes())
        guard actual == hash else {
            throw PlanLoadError(message: "the plan is damaged: its content does not match its hash; compile it again with 'alloyc compile'")
        }
        var decoder = Decoder(files: document["files"]?.arrayValue?.compactMap(\.stringValue) ?? [])
        do {
            return try decoder.plan(document, hash: hash)
        } catch let error as PlanLoadError {
            throw error
        } catch {
            throw PlanLoadError(message: "malformed plan: \(error)")
        }
    }

    private struct Decoder {
        var files: [String]

        func fail(_ message: String) -> PlanLoadError { PlanLoadError(message: "malformed plan: \(message)") }

        func string(_ value: JSONValue?, _ what: String) throws -> String {
            guard let text = value?.stringValue else { throw fail("\(what) must be a string") }
            return text
        }

        func array(_ value: JSONValue?, _ what: String) throws -> [JSONValue] {
            guard let items = value?.arrayValue else { throw fail("\(what) must be an array") }
            return items
        }

        func source(_ value: JSONValue?) -> SourceRef? {
            guard let items = value?.arrayValue, items.count == 5,
                  let file = items[0].intValue, let line = items[1].intValue, let column = items[2].intValue else { return nil }
            let name = Int(file) < files.count && file >= 0 ? files[Int(file)] : "<unknown>"
            return SourceRef(file: name, line: Int(line), column: Int(column))
        }

        mutating func plan(_ document: JSONValue, hash: String) throws -> LoadedPlan {
            var events: [String: EventPlan] = [:]
            for (index, event) in try array(document["events"], "events").enumerated() {
                let name = try string(event["name"], "events[\(index)].name")
                events[name] = EventPlan(name: name, schema: try type(event["schema"], "events[\(index)].schema"),
                                         samples: event["samples"]?.arrayValue ?? [])
            }
            var connectors: [String: ConnectorPlan] = [:]
            for (index, connector) in try array(document["connectors"], "connectors").enumerated() {
                let name = try string(connector["name"], "connectors[\(index)].name")
                let auth: AuthPlan
                switch connector["auth"]?["kind"]?.stringValue {
                case "bearer": auth = .bearer
                case "header": auth = .header(try string(connector["auth"]?["name"], "connectors[\(index)].auth.name"))
                case "none", nil: auth = .none
                case let other?: throw fail("connectors[\(index)].auth has unknown kind \"\(other)\"")
                }
                var actions: [String: ActionPlan] = [:]
                for (actionIndex, action) in try array(connector["actions"], "connectors[\(index)].actions").enumerated() {
                    let at = "connectors[\(index)].actions[\(actionIndex)]"
                    let actionName = try string(action["name"], "\(at).name")
                    let path = try array(action["path"], "\(at).path").map { part -> ActionPlan.PathPart in
                        if let text = part["text"]?.stringValue { return .text(text) }
                        if let input = part["input"]?.stringValue { return .input(input) }
                        throw fail("\(at).path has a part that is neither text nor input")
                    }
                    actions[actionName] = ActionPlan(name: actionName, method: try string(action["method"], "\(at).method"), path: path,
                                                     input: try type(action["input"], "\(at).input"),
                                                     output: try type(action["output"], "\(at).output"))
                }
                if case .bool(true)? = connector["builtin"], name != "http" {
                    throw fail("connector \(name) is marked built in, but only http is")
                }
                connectors[name] = ConnectorPlan(name: name, base: connector["base"]?.stringValue, auth: auth,
                                                 isBuiltin: connector["builtin"] == .bool(true), actions: actions)
            }
            var workflows: [String: [WorkflowPlan]] = [:]
            for (index, workflow) in try array(document["workflows"], "workflows").enumerated() {
                let at = "workflows[\(index)]"
                let trigger = try string(workflow["on"], "\(at).on")
                let plan = WorkflowPlan(name: try string(workflow["name"], "\(at).name"), trigger: trigger,
                                        body: try statements(workflow["body"], "\(at).body"), source: source(workflow["span"]))
                try validate(plan.body, connectors: connectors, at: at)
                workflows[trigger, default: []].append(plan)
            }
            return LoadedPlan(hash: hash, files: files, events: events, connectors: connectors, workflowsByEvent: workflows)
        }

        /// Every step names a connector and action the plan has.
        func validate(_ body: [StatementPlan], connectors: [String: ConnectorPlan], at: String) throws {
            for statement in body {
                switch statement {
                case .step(let step):
                    guard connectors[step.connector]?.actions[step.action] != nil else {
                        throw fail("\(at): step \(step.name) calls \(step.call), which the plan does not declare")
                    }
                case .ifElse(let branches, let elseBody):
                    for branch in branches { try validate(branch.body, connectors: connectors, at: at) }
                    try validate(elseBody ?? [], connectors: connectors, at: at)
                case .forLoop(_, _, let loopBody):
                    try validate(loopBody, connectors: connectors, at: at)
                }
            }
        }

        func type(_ value: JSONValue?, _ at: String) throws -> ValueType {
            guard let kind = value?["kind"]?.stringValue else { throw fail("\(at) is not a type") }
            switch kind {
            case "string": return .string
            case "int": return .int
            case "number": return .number
            case "bool": return .bool
            case "email": return .email
            case "url": return .url
            case "datetime": return .dateTime
            case "json": return .json
            case "enum": return .oneOf(try array(value?["values"], "\(at).values").map { try string($0, "\(at).values[]") })
            case "array": return .array(try type(value?["items"], "\(at).items"))
            case "optional": return .optional(try type(value?["of"], "\(at).of"))
            case "object":
                return .object(try array(value?["fields"], "\(at).fields").enumerated().map { index, field in
                    ValueType.Field(name: try string(field["name"], "\(at).fields[\(index)].name"),
                                    type: try type(field["type"], "\(at).fields[\(index)].type"))
                })
            default: throw fail("\(at) has unknown type kind \"\(kind)\"")
            }
        }

        func statements(_ value: JSONValue?, _ at: String) throws -> [StatementPlan] {
            try array(value, at).enumerated().map { index, item in try statement(item, "\(at)[\(index)]") }
        }

        func statement(_ value: JSONValue, _ at: String) throws -> StatementPlan {
            switch value["kind"]?.stringValue {
            case "step":
                let inputs = try array(value["inputs"], "\(at).inputs").enumerated().map { index, input in
                    (name: try string(input["name"], "\(at).inputs[\(index)].name"),
                     value: try expression(input["value"], "\(at).inputs[\(index)].value"))
                }
                return .step(StepPlan(name: try string(value["name"], "\(at).name"), connector: try string(value["connector"], "\(at).connector"),
                                      action: try string(value["action"], "\(at).action"), inputs: inputs, source: source(value["span"])))
            case "if":
                let branches = try array(value["branches"], "\(at).branches").enumerated().map { index, branch in
                    (condition: try expression(branch["condition"], "\(at).branches[\(index)].condition"),
                     body: try statements(branch["body"], "\(at).branches[\(index)].body"))
                }
                let elseBody = try value["else"].map { try statements($0, "\(at).else") }
                return .ifElse(branches: branches, elseBody: elseBody)
            case "for":
                return .forLoop(variable: try string(value["variable"], "\(at).variable"),
                                sequence: try expression(value["in"], "\(at).in"), body: try statements(value["body"], "\(at).body"))
            default:
                throw fail("\(at) is not a statement")
            }
        }

        func expression(_ value: JSONValue?, _ at: String) throws -> ExpressionPlan {
            guard let value, let op = value["op"]?.stringValue else { throw fail("\(at) is not an expression") }
            let kind: ExpressionPlan.Kind
            switch op {
            case "lit":
                kind = .literal(value["value"] ?? .null)
            case "path":
                let path = try array(value["path"], "\(at).path").map { try string($0, "\(at).path[]") }
                let root: ExpressionPlan.Root
                switch value["root"]?.stringValue {
                case "event": root = .event
                case "user": root = .user
                case "input": root = .input
                case "step": root = .step(try string(value["name"], "\(at).name"))
                case "var": root = .variable(try string(value["name"], "\(at).name"))
                default: throw fail("\(at) has an unknown root")
                }
                kind = .path(root, path)
            case "member":
                kind = .member(try expression(value["of"], "\(at).of"), try string(value["field"], "\(at).field"))
            case "index":
                kind = .index(try expression(value["of"], "\(at).of"), try expression(value["index"], "\(at).index"))
            case "call":
                guard let function = ExpressionPlan.Function(rawValue: try string(value["fn"], "\(at).fn")) else {
                    throw fail("\(at) calls an unknown function")
                }
                kind = .call(function, try array(value["args"], "\(at).args").map { try expression($0, "\(at).args[]") })
            case "interp":
                kind = .interpolation(try array(value["parts"], "\(at).parts").map { part in
                    if let text = part.stringValue { return .text(text) }
                    return .value(try expression(part, "\(at).parts[]"))
                })
            case "array":
                kind = .array(try array(value["items"], "\(at).items").map { try expression($0, "\(at).items[]") })
            case "object":
                kind = .object(try array(value["fields"], "\(at).fields").map { field in
                    (try string(field["name"], "\(at).fields[].name"), try expression(field["value"], "\(at).fields[].value"))
                })
            case "not":
                kind = .not(try expression(value["arg"], "\(at).arg"))
            case "neg":
                kind = .negate(try expression(value["arg"], "\(at).arg"))
            case "cond":
                kind = .conditional(try expression(value["if"], "\(at).if"), try expression(value["then"], "\(at).then"),
                                    try expression(value["else"], "\(at).else"))
            default:
                guard let binary = ExpressionPlan.BinaryOperator(rawValue: op) else { throw fail("\(at) has unknown op \"\(op)\"") }
                kind = .binary(binary, try expression(value["left"], "\(at).left"), try expression(value["right"], "\(at).right"))
            }
            return ExpressionPlan(kind: kind, source: source(value["span"]))
        }
    }
}
