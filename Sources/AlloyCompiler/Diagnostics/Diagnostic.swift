import AlloyCore
/// How serious a diagnostic is.
public enum Severity: String, Sendable, Comparable {
    case error
    case warning

    public static func < (a: Severity, b: Severity) -> Bool { a == .warning && b == .error }
}

/// A problem found in source, as data: rendering is done separately for people and machines.
public struct Diagnostic: Sendable, Hashable {
    /// A note pointing at a related place, or adding context.
    public struct Note: Sendable, Hashable {
        public var message: String
        public var span: Span?

        public init(_ message: String, at span: Span? = nil) {
            self.message = message
            self.span = span
        }
    }

    /// An edit that fixes the problem: replace `span` with `replacement`.
    public struct FixIt: Sendable, Hashable {
        public var message: String
        public var span: Span
        public var replacement: String

        public init(_ message: String, span: Span, replacement: String) {
            self.message = message
            self.span = span
            self.replacement = replacement
        }
    }

    public var code: Code
    public var severity: Severity
    public var span: Span
    public var message: String
    public var notes: [Note]
    /// Suggestions shown as `help:` lines.
    public var help: [String]
    public var fixes: [FixIt]

    public init(
        _ code: Code, _ message: String, at span: Span,
        notes: [Note] = [], help: [String] = [], fixes: [FixIt] = []
    ) {
        self.code = code
        self.severity = code.severity
        self.span = span
        self.message = message
        self.notes = notes
        self.help = help
        self.fixes = fixes
    }
}

extension Diagnostic {
    /// The stable diagnostic codes that tests and users key on.
    public enum Code: String, Sendable, CaseIterable, Hashable {
        case syntax
        case duplicateName = "duplicate-name"
        case unknownEvent = "unknown-event"
        case unknownType = "unknown-type"
        case unknownConnector = "unknown-connector"
        case unknownAction = "unknown-action"
        case unknownField = "unknown-field"
        case unknownStep = "unknown-step"
        case unknownName = "unknown-name"
        case unknownFunction = "unknown-function"
        case typeMismatch = "type-mismatch"
        case optionalValue = "optional-value"
        case missingInput = "missing-input"
        case unknownInput = "unknown-input"
        case invalidSample = "invalid-sample"
        case invalidLiteral = "invalid-literal"
        case recursiveType = "recursive-type"
        case unusedEvent = "unused-event"

        /// The severity every diagnostic of this code has.
        public var severity: Severity { self == .unusedEvent ? .warning : .error }
    }
}

/// Collects diagnostics during one phase.
public struct DiagnosticBag: Sendable {
    public private(set) var diagnostics: [Diagnostic] = []

    public init() {}

    public mutating func add(_ diagnostic: Diagnostic) { diagnostics.append(diagnostic) }

    public mutating func error(_ code: Diagnostic.Code, _ message: String, at span: Span,
                               notes: [Diagnostic.Note] = [], help: [String] = [],
                               fixes: [Diagnostic.FixIt] = []) {
        diagnostics.append(Diagnostic(code, message, at: span, notes: notes, help: help, fixes: fixes))
    }

    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
}
