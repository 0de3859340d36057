public struct CatalogEntry: Sendable {
    public var code: Diagnostic.Code
    public var summary: String
    public var explanation: String
    public var failing: String
    public var fixed: String
}
extension Diagnostic.Code {
    public var entry: CatalogEntry { CatalogEntry(code: self, summary: "s", explanation: "e", failing: "", fixed: "") }
}
public enum Catalog { public static var all: [CatalogEntry] { Diagnostic.Code.allCases.map(\.entry) } }
