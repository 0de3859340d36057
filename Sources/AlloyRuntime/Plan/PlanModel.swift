import AlloyCore

/// A loaded plan, indexed for running: workflows by the event that triggers them, and
/// every expression already decoded into a tree the evaluator walks without parsing.
public struct LoadedPlan: Sendable {
    public var hash: String
    public var files: [String]
    public var events: [String: EventPlan]
    public var connectors: [String: ConnectorPlan]
    /// Workflows in plan order (sorted by name), grouped by trigger.
    public var workflowsByEvent: [String: [WorkflowPlan]]

    /// The event names, sorted.
    public var eventNames: [String] { events.keys.sorted() }
}

/// Where a plan node came from in `.alloy` source.
public struct SourceRef: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public var description: String { "\(file):\(line):\(column)" }
}

/// A value type of the language, as the runtime checks it.
public indirect enum ValueType: Sendable, Hashable {
    case string, int, number, bool, email, url, dateTime
    case oneOf([String])
    case array(ValueType)
    case object([Field])
    case optional(ValueType)
    case json

    /// A field of an object type.
    public struct Field: Sendable, Hashable {
        public var name: String
        public var type: ValueType
    }

    /// How the type is written in `.alloy` source.
    public var description: String {
        switch self {
        case .string: return "String"
        case .int: return "Int"
        case .number: return "Number"
        case .bool: return "Bool"
        case .email: return "Email"
        case .url: return "URL"
        case .dateTime: return "DateTime"
        case .oneOf(let values): return values.map { "\"\($0)\"" }.joined(separator: " | ")
        case .array(let element): return "[\(element.description)]"
        case .object: return "an object"
        case .optional(let inner): return inner.description + "?"
        case .json: return "JSON"
        }
    }
}

/// An event the plan accepts.
public struct EventPlan: Sendable {
    public var name: String
    public var schema: ValueType
    public var samples: [JSONValue]
}

/// How a connector sends the invoking user's credential.
public enum AuthPlan: Sendable, Hashable {
    case none
    case bearer
    case header(String)
}

/// A connector: where its API lives and how to authenticate.
public struct ConnectorPlan: Sendable {
    public var name: String
    public var base: String?
    public var auth: AuthPlan
    public var isBuiltin: Bool
    public var actions: [String: ActionPlan]
}

/// One HTTP action.
public struct ActionPlan: Sendable {
    public enum PathPart: Sendable, Hashable {
        case text(String)
        case input(String)
    }

    public var name: String
    public var method: String
    public var path: [PathPart]
    public var input: ValueType
    public var output: ValueType
}

/// A workflow, ready to run.
public struct WorkflowPlan: Sendable {
    public var name: String
    public var trigger: String
    public var body: [StatementPlan]
    public var source: SourceRef?
}

/// A statement of a workflow.
public indirect enum StatementPlan: Sendable {
    case step(StepPlan)
    case ifElse(branches: [(condition: ExpressionPlan, body: [StatementPlan])], elseBody: [StatementPlan]?)
    case forLoop(variable: String, sequence: ExpressionPlan, body: [StatementPlan])
}

/// A call of an action with its input expressions.
public struct StepPlan: Sendable {
    public var name: String
    public var connector: String
    public var action: String
    public var inputs: [(name: String, value: ExpressionPlan)]
    public var source: SourceRef?

    /// `connector.action`
    public var call: String { "\(connector).\(action)" }
}

/// A lowered expression.
public struct ExpressionPlan: Sendable {
    public enum Root: Sendable, Hashable {
        case event, user, input
        case step(String)
        case variable(String)
    }

    public enum Function: String, Sendable {
        case upper, lower, trim, len, join, string, contains
    }

    public enum BinaryOperator: String, Sendable {
        case coalesce = "??", or = "||", and = "&&", equal = "==", notEqual = "!="
        case less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="
        case add = "+", subtract = "-", multiply = "*", divide = "/", remainder = "%"
    }

    public enum Part: Sendable {
        case text(String)
        case value(ExpressionPlan)
    }

    public indirect enum Kind: Sendable {
        case literal(JSONValue)
        case path(Root, [String])
        case member(ExpressionPlan, String)
        case index(ExpressionPlan, ExpressionPlan)
        case call(Function, [ExpressionPlan])
        case interpolation([Part])
        case array([ExpressionPlan])
        case object([(String, ExpressionPlan)])
        case not(ExpressionPlan)
        case negate(ExpressionPlan)
        case binary(BinaryOperator, ExpressionPlan, ExpressionPlan)
        case conditional(ExpressionPlan, ExpressionPlan, ExpressionPlan)
    }

    public var kind: Kind
    public var source: SourceRef?
}
