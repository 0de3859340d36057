import AlloyCore

/// The typed IR: a checked project with every name resolved and every expression typed.
/// Lowering to a plan reads only this.
public struct CheckedProject: Sendable {
    public var events: [EventIR]
    public var connectors: [ConnectorIR]
    public var workflows: [WorkflowIR]
}

/// A declared event, with its resolved schema and its samples as JSON.
public struct EventIR: Sendable {
    public var name: String
    public var doc: String?
    public var schema: AlloyType.Record
    public var samples: [JSONValue]
    public var span: Span
}

/// How a connector sends the invoking user's credential.
public enum AuthKind: Sendable, Hashable {
    case bearer
    case header(String)
    case none
}

/// A connector: project-declared, from the standard library, or built in (`http`).
public struct ConnectorIR: Sendable {
    public var name: String
    public var doc: String?
    public var base: String?
    public var auth: AuthKind
    public var actions: [ActionIR]
    /// `http`: the URL comes from the `url` input rather than a base and path.
    public var isBuiltin: Bool
    public var span: Span?

    public func action(_ name: String) -> ActionIR? { actions.first { $0.name == name } }
}

/// One action of a connector.
public struct ActionIR: Sendable {
    /// A piece of a path template: literal text or the value of an input.
    public enum PathPart: Sendable, Hashable {
        case text(String)
        case input(String)
    }

    public var name: String
    public var doc: String?
    public var method: String
    public var path: [PathPart]
    public var input: AlloyType.Record
    public var output: AlloyType
    public var span: Span?
}

/// A workflow with typed statements.
public struct WorkflowIR: Sendable {
    public var name: String
    public var doc: String?
    public var trigger: String
    public var body: [StatementIR]
    public var span: Span
}

/// A typed statement.
public indirect enum StatementIR: Sendable {
    case step(StepIR)
    case ifElse(branches: [(condition: TypedExpression, body: [StatementIR], span: Span)], elseBody: [StatementIR]?, span: Span)
    case forLoop(variable: String, sequence: TypedExpression, body: [StatementIR], span: Span)
}

/// A call of an action, with its inputs in declaration order.
public struct StepIR: Sendable {
    public var name: String
    public var connector: String
    public var action: String
    public var inputs: [(name: String, value: TypedExpression)]
    public var output: AlloyType
    public var span: Span
}

/// The functions of the expression library.
public enum Function: String, Sendable, CaseIterable {
    case upper, lower, trim, len, join, string, contains
}

/// Where a path starts.
public enum Root: Sendable, Hashable {
    case event
    case user
    case step(String)
    case variable(String)
    case input
}

/// A typed expression, ready to lower.
public struct TypedExpression: Sendable {
    public indirect enum Kind: Sendable {
        case literal(JSONValue)
        case root(Root)
        case member(TypedExpression, String)
        case index(TypedExpression, TypedExpression)
        case call(Function, [TypedExpression])
        case interpolation([InterpolationPart])
        case array([TypedExpression])
        case object([(String, TypedExpression)])
        case unary(Expression.UnaryOperator, TypedExpression)
        case binary(Expression.BinaryOperator, TypedExpression, TypedExpression)
        case conditional(TypedExpression, TypedExpression, TypedExpression)
    }

    /// A piece of an interpolated string.
    public enum InterpolationPart: Sendable {
        case text(String)
        case value(TypedExpression)
    }

    public var kind: Kind
    public var type: AlloyType
    public var span: Span
}
