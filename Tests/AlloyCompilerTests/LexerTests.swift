import AlloyCompiler
import AlloyCore
import Testing

@Suite struct LexerTests {
    private func kinds(_ text: String) -> [TokenKind] {
        Lexer.lex(SourceFile(path: "t.alloy", text: text), fileIndex: 0).tokens.map(\.kind)
    }

    @Test func interpolationNestsStrings() {
        #expect(kinds(#""a{{b ?? "c{{d}}"}}e""#) == [
            .stringStart, .stringText, .interpolationStart, .identifier, .questionQuestion,
            .stringStart, .stringText, .interpolationStart, .identifier, .interpolationEnd, .stringEnd,
            .interpolationEnd, .stringText, .stringEnd, .eof,
        ])
    }

    @Test func objectLiteralInsideInterpolationKeepsBraces() {
        #expect(kinds(#""{{ {a: {b: 1}} }}""#) == [
            .stringStart, .interpolationStart, .lbrace, .identifier, .colon, .lbrace, .identifier, .colon, .int,
            .rbrace, .rbrace, .interpolationEnd, .stringEnd, .eof,
        ])
    }

    @Test func unterminatedStringClosesAtEndOfLine() {
        let lexed = Lexer.lex(SourceFile(path: "t.alloy", text: "\"abc {{ x\nnext"), fileIndex: 0)
        #expect(lexed.tokens.map(\.kind) == [.stringStart, .stringText, .interpolationStart, .identifier, .interpolationEnd, .stringEnd, .identifier, .eof])
        #expect(lexed.diagnostics.count == 1)
        #expect(lexed.tokens[6].leadingNewline)
    }

    @Test func columnsCountUnicodeScalars() {
        let file = SourceFile(path: "t.alloy", text: "a\n\"日本\" x")
        let lexed = Lexer.lex(file, fileIndex: 0)
        let x = lexed.tokens.first { $0.kind == .identifier && $0.start > 2 }
        #expect(x.map { file.location(of: $0.start) } == AlloyCompiler.SourceLocation(line: 2, column: 6))
    }

    @Test func docCommentsAttachToTheNextToken() {
        let lexed = Lexer.lex(SourceFile(path: "t.alloy", text: "/// Hello\n/// world\nevent"), fileIndex: 0)
        #expect(lexed.tokens[0].docIndex == 0)
        #expect(lexed.docBlocks[0] == 0..<2)
    }

    @Test func escapesDecode() {
        #expect(Lexer.unescape(ArraySlice(Array(#"a\n\t\"\\\{\u{1F600}"#.utf8))) == "a\n\t\"\\{😀")
    }

    @Test func badEscapesAndNumbersAreDiagnosed() {
        for text in [#""\q""#, #""\u{D800}""#, "1.", "1e", "12abc"] {
            let lexed = Lexer.lex(SourceFile(path: "t.alloy", text: text), fileIndex: 0)
            #expect(!lexed.diagnostics.isEmpty, "\(text)")
        }
    }

    @Test func suggestionsRankByDistanceWithACutoff() {
        #expect(Suggestions.closest(to: "ticketNam", among: ["ticketName", "priority", "tags"]) == ["ticketName"])
        #expect(Suggestions.closest(to: "prioirty", among: ["priority", "private"]).first == "priority")
        #expect(Suggestions.closest(to: "zzz", among: ["ticketName", "priority"]).isEmpty)
        #expect(Suggestions.closest(to: "TicketName", among: ["ticketName", "ticketNames"]).first == "ticketName")
    }
}
