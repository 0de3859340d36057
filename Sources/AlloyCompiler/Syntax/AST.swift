/// The syntax tree: what the source says, with every node's span. Missing and malformed
/// pieces are represented (`Identifier.isMissing`, `Expression.Kind.missing`), never thrown.

/// A name written in source: an identifier, or a string literal for names with spaces.
public struct Identifier: Sendable, Hashable {
    public var name: String
    public var span: Span
    /// The parser expected a name here and found none.
    public var isMissing: Bool { name.isEmpty }

    public init(_ name: String, span: Span) {
        self.name = name
        self.span = span
    }
}

/// One parsed file.
public struct SyntaxFile: Sendable {
    public var file: Int
    public var declarations: [Declaration]
    public var comments: [Comment]
}

/// A top-level declaration.
public enum Declaration: Sendable {
    case type(TypeDeclaration)
    case event(EventDeclaration)
    case connector(ConnectorDeclaration)
    case workflow(WorkflowDeclaration)

    public var span: Span {
        switch self {
        case .type(let d): return d.span
        case .event(let d): return d.span
        case .connector(let d): return d.span
        case .workflow(let d): return d.span
        }
    }
}

/// `type Name = T`
public struct TypeDeclaration: Sendable {
    public var name: Identifier
    public var type: TypeSyntax
    public var doc: String?
    public var span: Span
}

/// `event "Name" { schema { … } sample { … } }`
public struct EventDeclaration: Sendable {
    public var name: Identifier
    public var schema: [FieldSyntax]?
    public var schemaSpan: Span?
    public var samples: [Expression]
    public var doc: String?
    public var span: Span
}

/// `name: Type` in a schema, record type or action input.
public struct FieldSyntax: Sendable {
    public var name: Identifier
    public var type: TypeSyntax
    public var doc: String?
    public var span: Span
}

/// A written type.
public struct TypeSyntax: Sendable {
    public indirect enum Kind: Sendable {
        case named(Identifier)
        case optional(TypeSyntax)
        case array(TypeSyntax)
        case record([FieldSyntax])
        case literals([Identifier])
        case missing
    }

    public var kind: Kind
    public var span: Span
}

/// `connector name { base "…" auth … action … }`
public struct ConnectorDeclaration: Sendable {
    public var name: Identifier
    public var base: Identifier?
    public var auth: AuthSyntax?
    public var actions: [ActionSyntax]
    public var doc: String?
    public var span: Span
}

/// `auth bearer`, `auth header "X-Api-Key"` or `auth none`.
public struct AuthSyntax: Sendable {
    public enum Kind: Sendable, Hashable {
        case bearer
        case header(String)
        case none
    }

    public var kind: Kind
    public var span: Span
}

/// `action name = METHOD "path" { input { … } output { … } }`
public struct ActionSyntax: Sendable {
    public var name: Identifier
    public var method: Identifier
    public var path: Expression
    public var input: [FieldSyntax]
    public var inputSpan: Span?
    public var output: TypeSyntax?
    public var doc: String?
    public var span: Span
}

/// `workflow "Name" { on "Event" … }`
public struct WorkflowDeclaration: Sendable {
    public var name: Identifier
    public var trigger: Identifier?
    public var body: [Statement]
    public var doc: String?
    public var span: Span
}

/// A statement in a workflow body.
public indirect enum Statement: Sendable {
    case step(StepSyntax)
    case ifElse(IfSyntax)
    case forLoop(ForSyntax)

    public var span: Span {
        switch self {
        case .step(let s): return s.span
        case .ifElse(let s): return s.span
        case .forLoop(let s): return s.span
        }
    }
}

/// `step name = connector.action { input: value, … }`
public struct StepSyntax: Sendable {
    public var name: Identifier
    public var connector: Identifier
    public var action: Identifier
    public var arguments: [Argument]
    /// The span of the `{ … }` holding the arguments.
    public var argumentsSpan: Span
    public var doc: String?
    public var span: Span
}

/// `name: value` inside a step.
public struct Argument: Sendable {
    public var name: Identifier
    public var value: Expression
    public var span: Span
}

/// `if c { … } else if c { … } else { … }`
public struct IfSyntax: Sendable {
    public struct Branch: Sendable {
        public var condition: Expression
        public var body: [Statement]
        public var span: Span
    }

    public var branches: [Branch]
    public var elseBody: [Statement]?
    public var span: Span
}

/// `for name in sequence { … }`
public struct ForSyntax: Sendable {
    public var variable: Identifier
    public var sequence: Expression
    public var body: [Statement]
    public var span: Span
}

/// An expression with its span.
public struct Expression: Sendable {
    public enum UnaryOperator: String, Sendable { case not = "!", negate = "-" }

    public enum BinaryOperator: String, Sendable, CaseIterable {
        case coalesce = "??", or = "||", and = "&&"
        case equal = "==", notEqual = "!="
        case less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="
        case add = "+", subtract = "-", multiply = "*", divide = "/", remainder = "%"
    }

    /// A piece of a string literal: text, or an interpolated expression.
    public enum StringPart: Sendable {
        case text(String, Span)
        case interpolation(Expression)
    }

    /// `key: value` in an object literal or a sample.
    public struct Entry: Sendable {
        public var key: Identifier
        public var value: Expression
        public var span: Span
    }

    public indirect enum Kind: Sendable {
        case name(String)
        case member(Expression, Identifier)
        case index(Expression, Expression)
        case call(Expression, [Expression])
        case string([StringPart])
        case int(Int64)
        case number(Double)
        case bool(Bool)
        case null
        case array([Expression])
        case object([Entry])
        case unary(UnaryOperator, Expression)
        case binary(BinaryOperator, Expression, Expression)
        case conditional(Expression, Expression, Expression)
        case missing
    }

    public var kind: Kind
    public var span: Span
    /// The height of this expression's tree, bounded by the parser.
    public var height: Int

    public init(_ kind: Kind, span: Span, height: Int = 1) {
        self.kind = kind
        self.span = span
        self.height = height
    }

    /// The string's value when it is a plain literal without interpolation.
    public var plainString: String? {
        guard case .string(let parts) = kind else { return nil }
        var text = ""
        for part in parts {
            guard case .text(let value, _) = part else { return nil }
            text += value
        }
        return text
    }
}
