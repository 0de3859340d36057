import AlloyCompiler
import Foundation
import Testing

/// Locates the shared fixture corpus and turns its folders into test cases.
enum Fixtures {
    /// The repository root, found from this file's path.
    static let root: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var directory: URL { root.appendingPathComponent("Fixtures") }

    /// Each project in a corpus folder: a `.alloy` file directly inside, or a subdirectory.
    static func projects(in folder: String) -> [String] {
        let url = directory.appendingPathComponent(folder)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
        return names.filter { name in
            var isDirectory: ObjCBool = false
            FileManager.default.fileExists(atPath: url.appendingPathComponent(name).path, isDirectory: &isDirectory)
            return isDirectory.boolValue || name.hasSuffix(".alloy")
        }.sorted()
    }

    /// The source files of one project, named relative to the corpus folder.
    static func sources(_ folder: String, _ project: String) throws -> [SourceFile] {
        let url = directory.appendingPathComponent(folder).appendingPathComponent(project)
        var isDirectory: ObjCBool = false
        FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory)
        let relativeFiles: [String]
        if isDirectory.boolValue {
            let names = try FileManager.default.subpathsOfDirectory(atPath: url.path).filter { $0.hasSuffix(".alloy") }.sorted()
            relativeFiles = names.map { "\(project)/\($0)" }
        } else {
            relativeFiles = [project]
        }
        return try relativeFiles.map { relative in
            let data = try Data(contentsOf: directory.appendingPathComponent(folder).appendingPathComponent(relative))
            return SourceFile(path: relative, bytes: Array(data))
        }
    }

    /// Whether golden files should be rewritten instead of compared.
    static var updating: Bool { ProcessInfo.processInfo.environment["ALLOY_UPDATE"] == "1" }

    /// Compares `actual` with the golden file, or rewrites it under ALLOY_UPDATE=1.
    static func expectGolden(_ actual: String, at url: URL, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
        if updating {
            try Data(actual.utf8).write(to: url)
            return
        }
        guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
            Issue.record("missing golden file \(url.lastPathComponent): run with ALLOY_UPDATE=1 to create it", sourceLocation: sourceLocation)
            return
        }
        if expected != actual {
            Issue.record("\(url.lastPathComponent) differs from the output (run with ALLOY_UPDATE=1 to accept):\n\(firstDifference(expected, actual))", sourceLocation: sourceLocation)
        }
    }

    static func firstDifference(_ expected: String, _ actual: String) -> String {
        let a = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let b = actual.split(separator: "\n", omittingEmptySubsequences: false)
        for index in 0..<max(a.count, b.count) {
            let x = index < a.count ? String(a[index]) : "<end>"
            let y = index < b.count ? String(b[index]) : "<end>"
            if x != y { return "line \(index + 1):\n  expected: \(x)\n  actual:   \(y)" }
        }
        return "(no line differs)"
    }
}

/// One inline expectation: `// error[code]: text` in a fixture.
struct Expectation: CustomStringConvertible, Hashable {
    var file: String
    var line: Int
    var severity: String
    var code: String
    var text: String?

    var description: String { "\(file):\(line): \(severity)[\(code)]\(text.map { ": \($0)" } ?? "")" }

    /// Reads every expectation of a file. A trailing comment applies to its own line; a line
    /// holding only expectations applies to the next line that is not one.
    static func parse(_ source: SourceFile) -> [Expectation] {
        let lines = String(decoding: source.bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var result: [Expectation] = []
        var pending: [Expectation] = []
        for (index, line) in lines.enumerated() {
            let found = expectations(in: line)
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            let onlyExpectations = !found.isEmpty && (trimmed.hasPrefix("// error[") || trimmed.hasPrefix("// warning["))
            if onlyExpectations {
                pending += found.map { Expectation(file: source.path, line: 0, severity: $0.0, code: $0.1, text: $0.2) }
                continue
            }
            for var expectation in pending {
                expectation.line = index + 1
                result.append(expectation)
            }
            pending = []
            result += found.map { Expectation(file: source.path, line: index + 1, severity: $0.0, code: $0.1, text: $0.2) }
        }
        // An expectation with no line after it can never be met: keep it, so it fails.
        result += pending.map { Expectation(file: $0.file, line: lines.count + 1, severity: $0.severity, code: $0.code, text: $0.text) }
        return result
    }

    private static func expectations(in line: String) -> [(String, String, String?)] {
        var result: [(String, String, String?)] = []
        let pieces = line.components(separatedBy: "// ")
        for piece in pieces.dropFirst() {
            for severity in ["error", "warning"] where piece.hasPrefix(severity + "[") {
                let afterBracket = piece.dropFirst(severity.count + 1)
                guard let close = afterBracket.firstIndex(of: "]") else { continue }
                let code = String(afterBracket[..<close])
                var rest = afterBracket[afterBracket.index(after: close)...]
                var text: String?
                if rest.hasPrefix(":") {
                    rest = rest.dropFirst()
                    let trimmed = rest.trimmingCharacters(in: .whitespaces)
                    text = trimmed.isEmpty ? nil : trimmed
                }
                result.append((severity, code, text))
            }
        }
        return result
    }

    /// Whether a diagnostic satisfies this expectation.
    func matches(_ diagnostic: Diagnostic, files: [SourceFile]) -> Bool {
        guard diagnostic.span.file < files.count else { return false }
        let file = files[diagnostic.span.file]
        guard file.path == self.file, file.location(of: diagnostic.span.start).line == line,
              diagnostic.code.rawValue == code, diagnostic.severity.rawValue == severity else { return false }
        guard let text else { return true }
        return ([diagnostic.message] + diagnostic.help + diagnostic.notes.map(\.message)).contains { $0.contains(text) }
    }
}

/// Checks diagnostics against the inline expectations in both directions.
func verifyExpectations(_ diagnostics: [Diagnostic], files: [SourceFile], sources: [SourceFile], sourceLocation: Testing.SourceLocation = #_sourceLocation) {
    var remaining = diagnostics
    var unmatched: [Expectation] = []
    for expectation in sources.flatMap(Expectation.parse) {
        if let index = remaining.firstIndex(where: { expectation.matches($0, files: files) }) {
            remaining.remove(at: index)
        } else {
            unmatched.append(expectation)
        }
    }
    let renderer = DiagnosticRenderer(files: files, projectFileCount: sources.count)
    for expectation in unmatched {
        Issue.record("expected but not reported: \(expectation)", sourceLocation: sourceLocation)
    }
    for diagnostic in remaining {
        Issue.record("reported but not expected:\n\(renderer.humanDiagnostic(diagnostic))", sourceLocation: sourceLocation)
    }
}
