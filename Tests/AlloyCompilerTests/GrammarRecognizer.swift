import AlloyCompiler
import Foundation

/// A recognizer driven by `Grammar/alloy.ebnf`, so the readable grammar is tested against
/// the parser: it reads the EBNF, then decides whether a token stream is a sentence of it.
struct GrammarRecognizer {
    indirect enum Node {
        case terminal(String)
        case tokenClass(String)
        case rule(String)
        case sequence([Node])
        case choice([Node])
        case optional(Node)
        case repetition(Node)
    }

    struct GrammarError: Error, CustomStringConvertible {
        var description: String
    }

    let rules: [String: Node]
    static let classes: Set<String> = ["IDENT", "INT", "NUMBER", "STRING_START", "STRING_TEXT", "INTERP_START", "INTERP_END", "STRING_END", "SEP"]

    // MARK: Reading EBNF

    init(ebnf: String) throws {
        var tokens: [String] = []
        let scalars = Array(ebnf.unicodeScalars)
        var index = 0
        while index < scalars.count {
            let c = scalars[index]
            if c == "(" && index + 1 < scalars.count && scalars[index + 1] == "*" {
                index += 2
                while index + 1 < scalars.count && !(scalars[index] == "*" && scalars[index + 1] == ")") { index += 1 }
                index += 2
            } else if c == " " || c == "\n" || c == "\t" || c == "\r" {
                index += 1
            } else if c == "\"" || c == "'" {
                let quote = c
                var text = ""
                index += 1
                while index < scalars.count && scalars[index] != quote { text.unicodeScalars.append(scalars[index]); index += 1 }
                index += 1
                tokens.append("\"" + text)
            } else if CharacterSet.letters.contains(c) || c == "_" {
                var text = ""
                while index < scalars.count && (CharacterSet.alphanumerics.contains(scalars[index]) || scalars[index] == "_" || scalars[index] == "-") {
                    text.unicodeScalars.append(scalars[index]); index += 1
                }
                tokens.append(text)
            } else {
                tokens.append(String(c))
                index += 1
            }
        }
        var position = 0
        var rules: [String: Node] = [:]
        func peek() -> String? { position < tokens.count ? tokens[position] : nil }
        func expect(_ text: String) throws {
            guard peek() == text else { throw GrammarError(description: "expected '\(text)' at token \(position) (\(peek() ?? "end"))") }
            position += 1
        }
        func parseChoice() throws -> Node {
            var options = [try parseSequence()]
            while peek() == "|" { position += 1; options.append(try parseSequence()) }
            return options.count == 1 ? options[0] : .choice(options)
        }
        func parseSequence() throws -> Node {
            var items: [Node] = []
            while let token = peek(), ![")", "]", "}", "|", ";"].contains(token) {
                position += 1
                switch token {
                case "(": let inner = try parseChoice(); try expect(")"); items.append(inner)
                case "[": let inner = try parseChoice(); try expect("]"); items.append(.optional(inner))
                case "{": let inner = try parseChoice(); try expect("}"); items.append(.repetition(inner))
                case ",": continue // ISO EBNF concatenation
                default:
                    if token.hasPrefix("\"") { items.append(.terminal(String(token.dropFirst()))) }
                    else if GrammarRecognizer.classes.contains(token) { items.append(.tokenClass(token)) }
                    else { items.append(.rule(token)) }
                }
            }
            return items.count == 1 ? items[0] : .sequence(items)
        }
        while let name = peek() {
            position += 1
            try expect("=")
            rules[name] = try parseChoice()
            try expect(";")
        }
        self.rules = rules
        for (name, node) in rules {
            for reference in GrammarRecognizer.references(node) where rules[reference] == nil {
                throw GrammarError(description: "rule '\(name)' refers to undefined '\(reference)'")
            }
        }
    }

    static func references(_ node: Node) -> [String] {
        switch node {
        case .rule(let name): return [name]
        case .terminal, .tokenClass: return []
        case .sequence(let items), .choice(let items): return items.flatMap(references)
        case .optional(let inner), .repetition(let inner): return references(inner)
        }
    }

    // MARK: Recognizing

    struct Symbol {
        var className: String
        var text: String
        var leadingNewline: Bool
    }

    static func symbols(_ source: SourceFile) -> [Symbol] {
        Lexer.lex(source, fileIndex: 0).tokens.map { token in
            let text = source.text(token.start..<token.end)
            let name: String
            switch token.kind {
            case .identifier: name = "IDENT"
            case .int: name = "INT"
            case .number: name = "NUMBER"
            case .stringStart: name = "STRING_START"
            case .stringText: name = "STRING_TEXT"
            case .interpolationStart: name = "INTERP_START"
            case .interpolationEnd: name = "INTERP_END"
            case .stringEnd: name = "STRING_END"
            case .eof: name = "EOF"
            default: name = "PUNCT"
            }
            return Symbol(className: name, text: text, leadingNewline: token.leadingNewline)
        }
    }

    /// Whether the whole token stream (without its end-of-file token) is a `start`.
    func accepts(_ symbols: [Symbol], start: String = "file") -> Bool {
        var matcher = Matcher(rules: rules, symbols: symbols)
        let end = symbols.count - 1 // the EOF token
        return matcher.match(.rule(start), at: 0).contains(end)
    }

    struct Matcher {
        let rules: [String: Node]
        let symbols: [Symbol]
        var memo: [String: [Int: Set<Int>]] = [:]
        var active: Set<String> = []

        mutating func match(_ node: Node, at position: Int) -> Set<Int> {
            switch node {
            case .terminal(let text):
                let symbol = symbols[position]
                guard symbol.className != "EOF", symbol.text == text,
                      symbol.className == "IDENT" || symbol.className == "PUNCT" else { return [] }
                return [position + 1]
            case .tokenClass(let name):
                let symbol = symbols[position]
                if name == "SEP" {
                    var result: Set<Int> = []
                    if symbol.className == "PUNCT" && symbol.text == "," { result.insert(position + 1) }
                    if symbol.leadingNewline || symbol.className == "EOF" || (symbol.className == "PUNCT" && ["}", "]", ")"].contains(symbol.text)) {
                        result.insert(position)
                    }
                    return result
                }
                return symbol.className == name ? [position + 1] : []
            case .rule(let name):
                if let cached = memo[name]?[position] { return cached }
                let key = "\(name)@\(position)"
                guard !active.contains(key), let body = rules[name] else { return [] }
                active.insert(key)
                let result = match(body, at: position)
                active.remove(key)
                memo[name, default: [:]][position] = result
                return result
            case .sequence(let items):
                var positions: Set<Int> = [position]
                for item in items {
                    var next: Set<Int> = []
                    for start in positions { next.formUnion(match(item, at: start)) }
                    positions = next
                    if positions.isEmpty { break }
                }
                return positions
            case .choice(let options):
                var result: Set<Int> = []
                for option in options { result.formUnion(match(option, at: position)) }
                return result
            case .optional(let inner):
                return match(inner, at: position).union([position])
            case .repetition(let inner):
                var result: Set<Int> = [position]
                var frontier: Set<Int> = [position]
                while !frontier.isEmpty {
                    var next: Set<Int> = []
                    for start in frontier {
                        for end in match(inner, at: start) where end > start && !result.contains(end) { next.insert(end) }
                    }
                    result.formUnion(next)
                    frontier = next
                }
                return result
            }
        }
    }
}
