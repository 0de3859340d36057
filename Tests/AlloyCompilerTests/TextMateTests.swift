import AlloyCompiler
import Foundation
import Testing

/// A small TextMate tokenizer (match and begin/end rules, captures, includes), enough to run
/// `Grammar/alloy.tmLanguage.json` the way editors do, line by line.
struct TextMateGrammar {
    final class Rule {
        var name: String?
        var contentName: String?
        var match: NSRegularExpression?
        var begin: NSRegularExpression?
        var end: NSRegularExpression?
        var captures: [Int: String] = [:]
        var beginCaptures: [Int: String] = [:]
        var endCaptures: [Int: String] = [:]
        var patterns: [Rule] = []
        var include: String?
    }

    struct GrammarError: Error { var message: String }

    let root: Rule
    let repository: [String: Rule]

    init(json: Data) throws {
        guard let object = try JSONSerialization.jsonObject(with: json) as? [String: Any] else { throw GrammarError(message: "not an object") }
        var repository: [String: Rule] = [:]
        func regex(_ pattern: Any?) throws -> NSRegularExpression? {
            guard let pattern = pattern as? String else { return nil }
            return try NSRegularExpression(pattern: pattern, options: [])
        }
        func captures(_ value: Any?) -> [Int: String] {
            var result: [Int: String] = [:]
            for (key, entry) in (value as? [String: Any]) ?? [:] {
                if let index = Int(key), let name = (entry as? [String: Any])?["name"] as? String { result[index] = name }
            }
            return result
        }
        func rule(_ value: [String: Any]) throws -> Rule {
            let made = Rule()
            made.name = value["name"] as? String
            made.contentName = value["contentName"] as? String
            made.match = try regex(value["match"])
            made.begin = try regex(value["begin"])
            made.end = try regex(value["end"])
            made.captures = captures(value["captures"])
            made.beginCaptures = captures(value["beginCaptures"] ?? value["captures"])
            made.endCaptures = captures(value["endCaptures"] ?? value["captures"])
            made.include = value["include"] as? String
            made.patterns = try ((value["patterns"] as? [[String: Any]]) ?? []).map { try rule($0) }
            return made
        }
        for (key, value) in (object["repository"] as? [String: [String: Any]]) ?? [:] { repository[key] = try rule(value) }
        self.repository = repository
        self.root = try rule(["patterns": object["patterns"] ?? []])
    }

    /// The match rules and begin rules a context offers, with includes expanded.
    func expand(_ patterns: [Rule], _ seen: Set<String> = []) -> [Rule] {
        patterns.flatMap { rule -> [Rule] in
            if let include = rule.include {
                let key = String(include.dropFirst())
                if include == "$self" { return seen.contains("$self") ? [] : expand(root.patterns, seen.union(["$self"])) }
                guard let target = repository[key], !seen.contains(key) else { return [] }
                if target.match != nil || target.begin != nil { return [target] }
                return expand(target.patterns, seen.union([key]))
            }
            return [rule]
        }
    }

    /// Scopes for each UTF-16 offset of each line.
    func tokenize(_ text: String) -> [[[String]]] {
        var stack: [(rule: Rule, scopes: [String])] = []
        var result: [[[String]]] = []
        for line in text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map({ String($0) }) {
            let nsLine = line as NSString
            var scopes = [[String]](repeating: [], count: nsLine.length)
            var position = 0
            var guardCount = 0
            while position <= nsLine.length && guardCount < 10_000 {
                guardCount += 1
                let outer = stack.last?.scopes ?? ["source.alloy"]
                let contentScopes = stack.last.map { $0.scopes + ($0.rule.contentName.map { [$0] } ?? []) } ?? outer
                let candidates = expand(stack.last?.rule.patterns ?? root.patterns)
                var best: (NSTextCheckingResult, Rule?, Bool)?
                if let end = stack.last?.rule.end, let found = end.firstMatch(in: line, range: NSRange(location: position, length: nsLine.length - position)) {
                    best = (found, nil, true)
                }
                for rule in candidates {
                    guard let expression = rule.match ?? rule.begin,
                          let found = expression.firstMatch(in: line, range: NSRange(location: position, length: nsLine.length - position)) else { continue }
                    if let current = best, current.0.range.location <= found.range.location { continue }
                    best = (found, rule, false)
                }
                guard let (found, rule, isEnd) = best else {
                    for index in position..<nsLine.length { scopes[index] = contentScopes }
                    break
                }
                for index in position..<min(found.range.location, nsLine.length) { scopes[index] = contentScopes }
                func paint(_ range: NSRange, _ names: [String]) {
                    for index in range.location..<min(range.location + range.length, nsLine.length) { scopes[index] = names }
                }
                func applyCaptures(_ captures: [Int: String], base: [String]) {
                    for (group, name) in captures.sorted(by: { $0.key < $1.key }) where group < found.numberOfRanges {
                        let range = found.range(at: group)
                        guard range.location != NSNotFound else { continue }
                        var resolved = name
                        for other in 1..<max(1, found.numberOfRanges) where found.range(at: other).location != NSNotFound {
                            resolved = resolved.replacingOccurrences(of: "$\(other)", with: nsLine.substring(with: found.range(at: other)))
                        }
                        paint(range, base + [resolved])
                    }
                }
                if isEnd, let top = stack.popLast() {
                    paint(found.range, top.scopes)
                    applyCaptures(top.rule.endCaptures, base: top.scopes)
                } else if let rule, rule.match != nil {
                    let base = contentScopes + (rule.name.map { [$0] } ?? [])
                    paint(found.range, base)
                    applyCaptures(rule.captures, base: contentScopes)
                } else if let rule {
                    let base = contentScopes + (rule.name.map { [$0] } ?? [])
                    paint(found.range, base)
                    applyCaptures(rule.beginCaptures, base: base)
                    stack.append((rule, base))
                }
                let next = found.range.location + found.range.length
                if next == position && found.range.length == 0 {
                    if isEnd { position = next; continue }
                    position += 1
                } else {
                    position = next
                }
                if position >= nsLine.length && !(stack.last?.rule.end.map { $0.pattern.contains("$") } ?? false) { break }
            }
            result.append(scopes)
        }
        return result
    }
}

@Suite struct TextMateTests {
    static let grammarURL = Fixtures.root.appendingPathComponent("Grammar/alloy.tmLanguage.json")
    static let declarationWords: Set<String> = ["type", "event", "connector", "workflow"]
    static let statementWords: Set<String> = ["step", "if", "else", "for", "on"]

    /// Checks one fixture: keywords where the parser sees them get keyword scopes, and every
    /// interpolation and string gets its scopes.
    @Test(arguments: GrammarTests.files)
    func scopes(_ path: String) throws {
        let grammar = try TextMateGrammar(json: Data(contentsOf: Self.grammarURL))
        let data = try Data(contentsOf: Fixtures.directory.appendingPathComponent(path))
        let source = SourceFile(path: path, bytes: Array(data))
        let lexed = Lexer.lex(source, fileIndex: 0)
        // Files the parser rejects may misuse keywords on purpose; only valid files are checked.
        guard Parser.parse(source, fileIndex: 0).1.isEmpty else { return }
        let text = String(decoding: data, as: UTF8.self)
        let lines = grammar.tokenize(text)
        func scopes(at offset: Int) -> [String] {
            let location = source.utf16Position(of: offset)
            guard location.line < lines.count, location.character < lines[location.line].count else { return [] }
            return lines[location.line][location.character]
        }
        for (index, token) in lexed.tokens.enumerated() {
            let word = source.text(token.start..<token.end)
            let previous = index > 0 ? lexed.tokens[index - 1].kind : nil
            let next = index + 1 < lexed.tokens.count ? lexed.tokens[index + 1].kind : nil
            let here = scopes(at: token.start)
            switch token.kind {
            case .identifier where Self.declarationWords.contains(word) && token.leadingNewline && previous != .dot && next != .colon
                && (next == .stringStart || next == .identifier):
                #expect(here.contains { $0.hasPrefix("storage.type") }, "\(path): '\(word)' at \(source.location(of: token.start)) has scopes \(here)")
            case .identifier where Self.statementWords.contains(word) && previous != .dot && next != .colon && next != .comma && token.leadingNewline:
                #expect(here.contains { $0.hasPrefix("keyword.control") }, "\(path): '\(word)' at \(source.location(of: token.start)) has scopes \(here)")
            case .interpolationStart:
                #expect(here.contains("punctuation.section.interpolation.begin.alloy"), "\(path): '{{' at \(source.location(of: token.start)) has scopes \(here)")
            case .interpolationEnd where !token.isMissing:
                #expect(here.contains("punctuation.section.interpolation.end.alloy"), "\(path): '}}' at \(source.location(of: token.start)) has scopes \(here)")
            case .stringText:
                #expect(here.contains("string.quoted.double.alloy"), "\(path): string text at \(source.location(of: token.start)) has scopes \(here)")
            default:
                break
            }
        }
        for comment in lexed.comments {
            let here = scopes(at: comment.start)
            #expect(here.contains { $0.hasPrefix(comment.isDoc ? "comment.line.documentation" : "comment.line") }, "\(path): comment at \(source.location(of: comment.start)) has scopes \(here)")
        }
    }

    @Test func nestedStringsInsideInterpolation() throws {
        let grammar = try TextMateGrammar(json: Data(contentsOf: Self.grammarURL))
        let line = #"text: "a {{x ?? "b {{y}} c"}} d""#
        let scopes = grammar.tokenize(line)[0]
        let inner = (line as NSString).range(of: "y").location
        // `y` sits in an interpolation inside a string inside an interpolation inside a string.
        #expect(scopes[inner].filter { $0 == "meta.interpolation.alloy" }.count == 2)
        #expect(scopes[inner].filter { $0 == "string.quoted.double.alloy" }.count == 2)
        let d = (line as NSString).range(of: " d").location + 1
        #expect(scopes[d].last == "string.quoted.double.alloy")
    }
}
