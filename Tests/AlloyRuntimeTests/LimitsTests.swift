import AlloyCore
@testable import AlloyRuntime
import Testing

/// Limits that keep hostile plans, events and servers from stopping the runtime.
@Suite struct LimitsTests {
    @Test func retryAfterIsBounded() {
        #expect(HTTPExecutor.parseRetryAfter("1e300") == 1e9)
        #expect(HTTPExecutor.parseRetryAfter("inf") == nil)
        #expect(HTTPExecutor.parseRetryAfter("nan") == nil)
        #expect(HTTPExecutor.parseRetryAfter("-1") == nil)
        #expect(HTTPExecutor.parseRetryAfter("3") == 3)
    }

    @Test func nestedLoopsStopAtTheWorkLimit() throws {
        let plan = try loadPlan("""
        event "E" { schema { items: [Int] } }
        workflow "W" {
          on "E"
          for a in event.items {
            for b in event.items {
              for c in event.items {
                step s = http.post { url: "https://example.com/x", body: { a: a, b: b, c: c } }
              }
            }
          }
        }
        """)
        let items = JSONValue.array((0..<100).map { JSONValue.int(Int64($0)) })
        let result = try Runner(plan: plan, executor: DryRunExecutor()).run(event: "E", userId: "u", data: .object([("items", items)]))
        #expect(result.workflows.first?.error?.contains("more than 100000 steps and loop iterations") == true)
    }
}
