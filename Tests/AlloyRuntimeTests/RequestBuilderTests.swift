import AlloyCore
@testable import AlloyRuntime
import Testing

@Suite struct RequestBuilderTests {
    static let crm = """
    event "E" { schema { id: String, tags: [String] } }
    connector crm {
      base "https://crm.example.com/v2/"
      auth header "X-Api-Key"
      action get = GET "/contacts/{{input.id}}" { input { id: String, fields: String?, tags: [String] }, output { id: String } }
      action patch = PATCH "/contacts/{{input.id}}" { input { id: String, name: String }, output { ok: Bool } }
    }
    workflow "W" {
      on "E"
      step a = crm.get { id: event.id, tags: event.tags }
      step b = crm.patch { id: event.id, name: "x" }
    }
    """

    func call(_ plan: LoadedPlan, _ action: String, _ input: JSONValue) throws -> ActionCall {
        let connector = try #require(plan.connectors["crm"])
        return ActionCall(connector: connector, action: try #require(connector.actions[action]), input: input, userId: "gregg", workflow: "W", step: "a")
    }

    @Test func pathValuesCannotEscapeTheirSegment() throws {
        let plan = try loadPlan(Self.crm)
        for (value, encoded) in [("../admin", "..%2Fadmin"), ("a?b=c#d", "a%3Fb%3Dc%23d"), ("..", "%2E%2E"), ("é x", "%C3%A9%20x")] {
            let request = try RequestBuilder.build(try call(plan, "get", .object([("id", .string(value)), ("tags", .array([]))])), base: nil, token: "t")
            #expect(request.url == "https://crm.example.com/v2/contacts/\(encoded)")
        }
    }

    @Test func getSendsTheRestAsAQueryAndPatchAsABody() throws {
        let plan = try loadPlan(Self.crm)
        let get = try RequestBuilder.build(try call(plan, "get", .object([("id", .string("7")), ("tags", .array([.string("a"), .string("b c")]))])), base: nil, token: "secret")
        #expect(get.url == "https://crm.example.com/v2/contacts/7?tags=a&tags=b%20c")
        #expect(get.body == nil)
        #expect(get.headers.contains { $0 == ("X-Api-Key", "secret") })
        let patch = try RequestBuilder.build(try call(plan, "patch", .object([("id", .string("7")), ("name", .string("Ada"))])), base: "http://127.0.0.1:9", token: "secret")
        #expect(patch.url == "http://127.0.0.1:9/contacts/7")
        #expect(patch.body.map { String(decoding: $0, as: UTF8.self) } == #"{"name":"Ada"}"#)
    }
}
