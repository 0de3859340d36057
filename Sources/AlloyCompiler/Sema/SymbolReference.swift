/// One occurrence of a named thing in source, linked to its declaration: what an editor
/// needs for hover, go to definition and rename.
public struct SymbolReference: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        case event, type, field, step, connector, action, input, variable
    }

    public var kind: Kind
    public var name: String
    /// Where the name is written here (for events, the string literal with its quotes).
    public var span: Span
    /// Where it is declared; nil for built-in things (such as the `http` connector).
    public var declaration: Span?
    /// The type, for fields, steps, inputs and loop variables.
    public var type: AlloyType?
    public var doc: String?

    public init(kind: Kind, name: String, span: Span, declaration: Span?, type: AlloyType? = nil, doc: String? = nil) {
        self.kind = kind
        self.name = name
        self.span = span
        self.declaration = declaration
        self.type = type
        self.doc = doc
    }

    /// Whether this occurrence is the declaration itself.
    public var isDeclaration: Bool { declaration == span }
}
