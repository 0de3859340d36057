import AlloyCore

/// The compiler's pipeline in one place: sources → tokens → syntax trees → typed IR → plan.
/// It is a pure function of its inputs; only the command line and the language server do I/O.
public enum Compiler {
    /// The result of checking a project.
    public struct Result: Sendable {
        /// The project's files followed by the standard library's.
        public var files: [SourceFile]
        public var syntax: [SyntaxFile]
        /// Sorted by file, line and column.
        public var diagnostics: [Diagnostic]
        public var project: CheckedProject
        /// How many of `files` belong to the project (the rest are the standard library).
        public var projectFileCount: Int
        /// Every occurrence of a named thing, linked to its declaration (for editors).
        public var references: [SymbolReference] = []

        public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
    }

    /// Parses and checks a project.
    public static func check(_ sources: [SourceFile]) -> Result {
        check(sources, references: false, parse: { Parser.parse($0, fileIndex: $1) })
    }

    /// Parses and checks a project, taking each file's parse from `parse` — an editor passes
    /// a cache here, so a one-line change re-parses one file.
    /// `references` records every symbol occurrence (for editors).
    public static func check(_ sources: [SourceFile], references recordReferences: Bool = true,
                             parse: (SourceFile, Int) -> (SyntaxFile, [Diagnostic])) -> Result {
        var files = sources
        for library in StandardLibrary.files {
            files.append(SourceFile(path: library.path, text: library.source))
        }
        var diagnostics: [Diagnostic] = []
        var syntax: [SyntaxFile] = []
        for (index, file) in files.enumerated() {
            let (tree, parseDiagnostics) = index < sources.count ? parse(file, index) : Parser.parse(file, fileIndex: index)
            syntax.append(tree)
            diagnostics.append(contentsOf: parseDiagnostics)
        }
        let (project, checkDiagnostics, references) = Checker.checkWithReferences(files: files, syntax: syntax, standardLibraryStart: sources.count,
                                                                                  recordReferences: recordReferences)
        diagnostics.append(contentsOf: checkDiagnostics)
        return Result(files: files, syntax: syntax, diagnostics: sorted(diagnostics, files: files),
                      project: project, projectFileCount: sources.count, references: references)
    }

    /// Checks a project and lowers it to a plan; the plan is nil when there are errors.
    public static func compile(_ sources: [SourceFile]) -> (plan: JSONValue?, result: Result) {
        let result = check(sources)
        guard !result.hasErrors else { return (nil, result) }
        return (PlanEmitter.emit(result.project, files: result.files, projectFileCount: result.projectFileCount), result)
    }

    /// Sorts diagnostics by file, line and column (then code), the order every output uses.
    public static func sorted(_ diagnostics: [Diagnostic], files: [SourceFile]) -> [Diagnostic] {
        diagnostics.enumerated().sorted { x, y in
            let a = x.element, b = y.element
            if a.span.file != b.span.file { return a.span.file < b.span.file }
            if a.span.start != b.span.start { return a.span.start < b.span.start }
            if a.code != b.code { return a.code.rawValue < b.code.rawValue }
            return x.offset < y.offset
        }.map(\.element)
    }
}
