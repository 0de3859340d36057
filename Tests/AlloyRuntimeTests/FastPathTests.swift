import AlloyCore
@testable import AlloyRuntime
import Foundation
import Testing

/// The fused reader and byte writer agree with the general path on every event: what the
/// fast path accepts, the general path accepts with the same step inputs; what the general
/// path rejects, the fast path never accepts.
@Suite struct FastPathTests {
    static let reference = (try? String(contentsOf: repositoryRoot.appendingPathComponent("Benchmarks/reference/reference.alloy"), encoding: .utf8)) ?? ""

    static let schemaProject = """
    event "Order" {
      schema {
        id: String
        email: Email
        total: Number
        count: Int
        gift: Bool?
        plan: "free" | "pro"
        tags: [String]
        meta: JSON
        customer: { id: String, since: DateTime? }
      }
    }
    connector shop {
      base "https://shop.example.com"
      action record = POST "/orders" {
        input { id: String, label: String, size: String, who: String, tags: [String], customer: String, big: Bool, meta: JSON }
        output { ok: Bool }
      }
    }
    workflow "Record" {
      on "Order"
      step record = shop.record {
        id: event.id
        label: "{{event.id}}: {{event.count}} for {{event.email}} ({{event.gift ?? false}})"
        size: event.count >= 10 && event.plan == "pro" ? "bulk" : "single"
        who: user.id
        tags: event.tags
        customer: event.customer.id
        big: event.total > 99.5
        meta: event.meta
      }
    }
    """

    func check(_ source: String, event: String, documents: [String]) throws {
        let plan = try loadPlan(source)
        let fast = try #require(FastEventProgram.compile(plan, event: event), "the plan should compile for the fast path")
        let runner = Runner(plan: plan, executor: DryRunExecutor())
        let slots = UnsafeMutableBufferPointer<EventShape.Slot>.allocate(capacity: max(1, fast.shape.slotCount))
        let scratch = UnsafeMutableBufferPointer<Int>.allocate(capacity: EventShape.scratchSize)
        defer { slots.deallocate(); scratch.deallocate() }
        var fastAccepted = 0
        for document in documents {
            let bytes = Array(document.utf8)
            var output: [UInt8] = []
            let fastOK = bytes.withUnsafeBufferPointer { buffer -> Bool in
                guard let base = buffer.baseAddress, fast.shape.scan(buffer, into: slots, scratch: scratch) else { return false }
                let region = UnsafeMutablePointer<UInt8>.allocate(capacity: 1 << 16)
                defer { region.deallocate() }
                guard let written = fast.write(line: 1, base: base, slots: slots, user: Array("\"bench\"".utf8), into: region, capacity: 1 << 16) else { return false }
                output = Array(UnsafeBufferPointer(start: region, count: written))
                return true
            }
            let general: RunResult? = (try? JSONReader.parse(bytes)).flatMap { try? runner.run(event: event, userId: "bench", data: $0) }
            guard fastOK else { continue }
            fastAccepted += 1
            let run = try #require(general, "the fast path accepted what the general path rejects: \(document)")
            let lines = String(decoding: output, as: UTF8.self).split(separator: "\n")
            let inputs = run.workflows.flatMap(\.steps).map(\.input)
            #expect(lines.count == inputs.count)
            for (line, input) in zip(lines, inputs) {
                let written = try JSONReader.parse(String(line))
                #expect(written["input"] == input, "different inputs for \(document)")
            }
        }
        #expect(fastAccepted > 0)
    }

    @Test func referenceWorkload() throws {
        var lines: [String] = []
        var generator = SeededGenerator(seed: 7)
        for index in 0..<400 {
            var ticket: [String: Any] = [
                "ticketName": ["Alloy \(index)", "Say \\\"hi\\\"", "日本 \(index)", "tab\\there"][index % 4],
                "customerEmail": "user\(index)@example.com", "priority": Int(generator.next() % 6),
                "tags": index % 3 == 0 ? [] : ["a", "b"], "customer": ["id": "c\(index)", "plan": "pro"],
                "description": index % 2 == 0 ? "desc \(index)" : NSNull(), "extra": ["nested": [1, 2]],
            ]
            if index % 7 == 0 { ticket["priority"] = "2" }
            if index % 11 == 0 { ticket.removeValue(forKey: "customerEmail") }
            if index % 13 == 0 { ticket.removeValue(forKey: "tags") }
            let data = try JSONSerialization.data(withJSONObject: ticket, options: [.sortedKeys])
            lines.append(String(decoding: data, as: UTF8.self))
        }
        lines += [#"{"ticketName":"x","customerEmail":"a","priority":1,"customer":{"id":"c","plan":"p"},"ticketName":"dup"}"#,
                  #"{"ticketName":"x","customerEmail":"a","priority":1.0,"customer":{"id":"c","plan":"p"}}"#,
                  #"{"ticketName":"x","customerEmail":"a","priority":1,"customer":{"id":"c","plan":"p"},"x":{"k":1,"k":2}}"#,
                  #"{"ticketName":"\u00e9","customerEmail":"a","priority":1,"customer":{"id":"c","plan":"p"}}"#]
        try check(Self.reference, event: "Ticket Created", documents: lines)
    }

    @Test func formatsUnionsOptionalsAndJSON() throws {
        var documents: [String] = []
        let emails = ["a@example.com", "not-an-email", "b@ex.org"]
        let plans = ["free", "pro", "premium"]
        for index in 0..<200 {
            let gift = ["true", "false", "null", "\"yes\""][index % 4]
            let since = index % 5 == 0 ? #","since":"2025-13-01T00:00:00Z""# : (index % 5 == 1 ? #","since":"2025-01-01T00:00:00Z""# : "")
            documents.append(#"{"id":"o\#(index)","email":"\#(emails[index % 3])","total":\#(Double(index) * 1.5),"count":\#(index % 20),"gift":\#(gift),"plan":"\#(plans[index % 3])","tags":["t"],"meta":{"a":[1,{"b":null}]},"customer":{"id":"c"\#(since)}}"#)
        }
        documents.append(#"{"id":"o","email":"a@example.com","total":1,"count":1,"plan":"pro","tags":[],"customer":{"id":"c"}}"#)
        // Numbers a Double cannot hold are rejected by both readers.
        documents.append(#"{"id":"o","email":"a@example.com","total":1e999,"count":1,"plan":"pro","tags":[],"meta":1e999,"customer":{"id":"c"}}"#)
        documents.append(#"{"id":"o","email":"a@example.com","total":1,"count":1,"plan":"pro","tags":[],"meta":null,"customer":{"id":"c"}}"#)
        try check(Self.schemaProject, event: "Order", documents: documents)
    }
}
