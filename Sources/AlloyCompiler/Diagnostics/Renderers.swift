import AlloyCore

/// Output formats for diagnostics, as `--format` names them.
public enum DiagnosticFormat: String, Sendable, CaseIterable {
    case human, json, github, sarif
}

/// Renders diagnostics for people and for machines. Diagnostics must already be sorted.
public struct DiagnosticRenderer: Sendable {
    public var files: [SourceFile]
    /// How many files the project has, for the summary.
    public var projectFileCount: Int
    /// Use ANSI colour (only on a terminal, never with NO_COLOR).
    public var color: Bool

    public init(files: [SourceFile], projectFileCount: Int, color: Bool = false) {
        self.files = files
        self.projectFileCount = projectFileCount
        self.color = color
    }

    public func render(_ diagnostics: [Diagnostic], as format: DiagnosticFormat) -> String {
        switch format {
        case .human: return human(diagnostics)
        case .json: return json(diagnostics).serialized(pretty: true) + "\n"
        case .github: return github(diagnostics)
        case .sarif: return sarif(diagnostics).serialized(pretty: true) + "\n"
        }
    }

    private func path(_ span: Span) -> String { span.file < files.count ? files[span.file].path : "<unknown>" }

    private func range(_ span: Span) -> (SourceLocation, SourceLocation) {
        guard span.file < files.count else { return (SourceLocation(line: 1, column: 1), SourceLocation(line: 1, column: 1)) }
        let file = files[span.file]
        return (file.location(of: span.start), file.location(of: span.end))
    }

    // MARK: Summary

    /// `2 errors, 1 warning in 3 files`
    public func summary(_ diagnostics: [Diagnostic]) -> String {
        let errors = diagnostics.filter { $0.severity == .error }.count
        let warnings = diagnostics.count - errors
        return "\(plural(errors, "error")), \(plural(warnings, "warning")) in \(plural(projectFileCount, "file"))"
    }

    private func plural(_ count: Int, _ noun: String) -> String { "\(count) \(noun)\(count == 1 ? "" : "s")" }

    // MARK: Human

    private func paint(_ text: String, _ code: String) -> String {
        color ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }

    private func human(_ diagnostics: [Diagnostic]) -> String {
        var out = ""
        for diagnostic in diagnostics {
            out += humanDiagnostic(diagnostic)
            out += "\n"
        }
        out += paint(summary(diagnostics), "1") + "\n"
        return out
    }

    /// One diagnostic in the style of rustc and Swift: location, message, source line, carets, notes.
    public func humanDiagnostic(_ diagnostic: Diagnostic) -> String {
        let (start, end) = range(diagnostic.span)
        let severityColor = diagnostic.severity == .error ? "1;31" : "1;33"
        var out = "\(path(diagnostic.span)):\(start.line):\(start.column): "
        out += paint("\(diagnostic.severity.rawValue)[\(diagnostic.code.rawValue)]", severityColor)
        out += paint(": \(diagnostic.message)", "1") + "\n"
        if diagnostic.span.file < files.count {
            out += snippet(files[diagnostic.span.file], start: start, end: end, caretColor: severityColor)
        }
        let gutter = String(repeating: " ", count: String(start.line).count + 1)
        for note in diagnostic.notes {
            var text = note.message
            if let span = note.span {
                let (noteStart, _) = range(span)
                text += " (\(path(span)):\(noteStart.line):\(noteStart.column))"
            }
            out += "\(gutter)= " + paint("note", "1;36") + ": \(text)\n"
        }
        for help in diagnostic.help {
            out += "\(gutter)= " + paint("help", "1;36") + ": \(help)\n"
        }
        return out
    }

    private func snippet(_ file: SourceFile, start: SourceLocation, end: SourceLocation, caretColor: String) -> String {
        let number = String(start.line)
        let gutter = String(repeating: " ", count: number.count + 1)
        let raw = file.lineText(start.line)
        // Long lines (minified or generated input) are cut around the caret.
        var scalars = Array(raw.unicodeScalars)
        var offset = 0
        if scalars.count > 200 {
            offset = max(0, start.column - 60)
            scalars = Array(scalars[min(offset, scalars.count)..<min(scalars.count, offset + 160)])
        }
        var line = ""
        var displayColumn: [Int] = []
        for scalar in scalars {
            displayColumn.append(line.unicodeScalars.count)
            if scalar == "\t" { line += "    " } else if scalar.value < 0x20 || scalar.value == 0x7F || scalar.value == 0xFFFD { line += " " } else { line.unicodeScalars.append(scalar) }
        }
        displayColumn.append(line.unicodeScalars.count)
        func column(_ c: Int) -> Int {
            let index = max(0, min(displayColumn.count - 1, c - 1 - offset))
            return displayColumn[index]
        }
        let caretStart = column(start.column)
        let caretEnd = end.line == start.line ? max(caretStart + 1, column(end.column)) : max(caretStart + 1, line.unicodeScalars.count)
        var out = paint("\(gutter)|", "1;34") + "\n"
        out += paint("\(number) |", "1;34") + " \(line)\n"
        out += paint("\(gutter)|", "1;34") + " " + String(repeating: " ", count: caretStart)
        out += paint(String(repeating: "^", count: caretEnd - caretStart), caretColor) + "\n"
        return out
    }

    // MARK: JSON

    private func position(_ span: Span) -> [(String, JSONValue)] {
        let (start, end) = range(span)
        return [("file", .string(path(span))), ("line", .int(Int64(start.line))), ("column", .int(Int64(start.column))),
                ("endLine", .int(Int64(end.line))), ("endColumn", .int(Int64(end.column)))]
    }

    /// The `json` format: one document with every diagnostic and a summary.
    public func json(_ diagnostics: [Diagnostic]) -> JSONValue {
        let items = diagnostics.map { diagnostic -> JSONValue in
            .object(position(diagnostic.span) + [
                ("severity", .string(diagnostic.severity.rawValue)),
                ("code", .string(diagnostic.code.rawValue)),
                ("message", .string(diagnostic.message)),
                ("notes", .array(diagnostic.notes.map { note in
                    .object([("message", .string(note.message))] + (note.span.map { position($0) } ?? []))
                })),
                ("help", .array(diagnostic.help.map(JSONValue.string))),
                ("fixes", .array(diagnostic.fixes.map { fix in
                    .object([("message", .string(fix.message)), ("range", .object(position(fix.span))), ("replacement", .string(fix.replacement))])
                })),
            ])
        }
        let errors = diagnostics.filter { $0.severity == .error }.count
        return .object([
            ("diagnostics", .array(items)),
            ("summary", .object([("errors", .int(Int64(errors))), ("warnings", .int(Int64(diagnostics.count - errors))), ("files", .int(Int64(projectFileCount)))])),
        ])
    }

    // MARK: GitHub

    private func github(_ diagnostics: [Diagnostic]) -> String {
        func escapeData(_ text: String) -> String {
            text.replacing("%", with: "%25").replacing("\r", with: "%0D").replacing("\n", with: "%0A")
        }
        func escapeProperty(_ text: String) -> String {
            escapeData(text).replacing(":", with: "%3A").replacing(",", with: "%2C")
        }
        var out = ""
        for diagnostic in diagnostics {
            let (start, end) = range(diagnostic.span)
            var message = diagnostic.message
            for help in diagnostic.help { message += "\nhelp: \(help)" }
            out += "::\(diagnostic.severity == .error ? "error" : "warning") "
            out += "file=\(escapeProperty(path(diagnostic.span))),line=\(start.line),col=\(start.column),endLine=\(end.line),endColumn=\(end.column),title=\(escapeProperty(diagnostic.code.rawValue))"
            out += "::\(escapeData(message))\n"
        }
        return out
    }

    // MARK: SARIF

    private func region(_ span: Span) -> JSONValue {
        let (start, end) = range(span)
        return .object([("startLine", .int(Int64(start.line))), ("startColumn", .int(Int64(start.column))),
                        ("endLine", .int(Int64(end.line))), ("endColumn", .int(Int64(end.column)))])
    }

    private func location(_ span: Span, message: String? = nil) -> JSONValue {
        var members: [(String, JSONValue)] = [("physicalLocation", .object([
            ("artifactLocation", .object([("uri", .string(uri(path(span))))])),
            ("region", region(span)),
        ]))]
        if let message { members.append(("message", .object([("text", .string(message))]))) }
        return .object(members)
    }

    private func uri(_ path: String) -> String {
        var out = ""
        for scalar in path.unicodeScalars {
            if scalar.isASCII, scalar.value > 0x20, !"%#?[]\"<>\\^`{|}".unicodeScalars.contains(scalar) {
                out.unicodeScalars.append(scalar)
            } else {
                for byte in String(scalar).utf8 { out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(2) }
            }
        }
        return out
    }

    /// The `sarif` format: a SARIF 2.1.0 log with one run.
    public func sarif(_ diagnostics: [Diagnostic]) -> JSONValue {
        let codes = Diagnostic.Code.allCases
        let rules = codes.map { code -> JSONValue in
            .object([
                ("id", .string(code.rawValue)),
                ("shortDescription", .object([("text", .string(code.entry.summary))])),
                ("helpUri", .string(DiagnosticRenderer.documentationURL(for: code))),
                ("defaultConfiguration", .object([("level", .string(code.severity == .error ? "error" : "warning"))])),
            ])
        }
        let results = diagnostics.map { diagnostic -> JSONValue in
            var text = diagnostic.message
            for help in diagnostic.help { text += "\nhelp: \(help)" }
            var members: [(String, JSONValue)] = [
                ("ruleId", .string(diagnostic.code.rawValue)),
                ("ruleIndex", .int(Int64(codes.firstIndex(of: diagnostic.code) ?? 0))),
                ("level", .string(diagnostic.severity == .error ? "error" : "warning")),
                ("message", .object([("text", .string(text))])),
                ("locations", .array([location(diagnostic.span)])),
            ]
            let related = diagnostic.notes.compactMap { note in note.span.map { location($0, message: note.message) } }
            if !related.isEmpty { members.append(("relatedLocations", .array(related))) }
            if !diagnostic.fixes.isEmpty {
                members.append(("fixes", .array(diagnostic.fixes.map { fix in
                    .object([
                        ("description", .object([("text", .string(fix.message))])),
                        ("artifactChanges", .array([.object([
                            ("artifactLocation", .object([("uri", .string(uri(path(fix.span))))])),
                            ("replacements", .array([.object([
                                ("deletedRegion", region(fix.span)),
                                ("insertedContent", .object([("text", .string(fix.replacement))])),
                            ])])),
                        ])])),
                    ])
                })))
            }
            return .object(members)
        }
        return .object([
            ("$schema", .string("https://json.schemastore.org/sarif-2.1.0.json")),
            ("version", .string("2.1.0")),
            ("runs", .array([.object([
                ("tool", .object([("driver", .object([
                    ("name", .string("alloyc")),
                    ("version", .string(AlloyVersion.current)),
                    ("informationUri", .string(DiagnosticRenderer.documentationBase)),
                    ("rules", .array(rules)),
                ]))])),
                ("columnKind", .string("unicodeCodePoints")),
                ("results", .array(results)),
            ])])),
        ])
    }

    /// Where the diagnostics reference lives.
    public static let documentationBase = "https://github.com/alloy-lang/alloyc/blob/main/docs/diagnostics.md"

    /// The link to one code's entry in docs/diagnostics.md.
    public static func documentationURL(for code: Diagnostic.Code) -> String {
        "\(documentationBase)#\(code.rawValue)"
    }
}

/// The version of the tools.
public enum AlloyVersion {
    public static let current = "0.1.0"
}

extension String {
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
