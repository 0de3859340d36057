import AlloyCore
import AlloyRuntime
import Testing

@Suite struct ValidatorTests {
    @Test func reportsEveryProblemWithPointers() throws {
        let plan = try loadPlan(seedSource)
        let schema = try #require(plan.events["Ticket Created"]?.schema)
        let data = try JSONReader.parse(#"{"ticketName": 5, "customerEmail": "not-an-email", "priority": 2.5, "tags": ["a", 3], "customer": {"id": "c", "plan": "premium"}, "extra": true}"#)
        let problems = Validator.validate(data, against: schema).map(\.description)
        #expect(problems == [
            "/ticketName: expected String, got 5",
            "/customerEmail: expected an email address, got \"not-an-email\"",
            "/priority: expected Int, got 2.5",
            "/tags/1: expected String, got 3",
            "/customer/plan: expected one of \"free\", \"pro\", \"enterprise\", got \"premium\"",
        ])
    }

    @Test func missingRequiredAndOptionalFields() throws {
        let plan = try loadPlan(seedSource)
        let schema = try #require(plan.events["Ticket Created"]?.schema)
        let problems = Validator.validate(try JSONReader.parse(#"{"ticketName": "x", "priority": 1, "tags": [], "customer": {"id": "c", "plan": "pro"}}"#), against: schema)
        #expect(problems.map(\.description) == ["/customerEmail: required field is missing (expected Email)"])
        #expect(Validator.validate(.array([]), against: schema).map(\.description) == ["/: expected an object, got an array"])
    }

    @Test func formats() {
        #expect(StringFormat.isEmail("gregg@example.com"))
        #expect(!StringFormat.isEmail("gregg@localhost"))
        #expect(!StringFormat.isEmail("@example.com"))
        #expect(StringFormat.isURL("https://hooks.example.com/x?y=1"))
        #expect(!StringFormat.isURL("ftp://example.com"))
        #expect(!StringFormat.isURL("https://"))
        #expect(StringFormat.isDateTime("2025-02-28T10:00:00Z"))
        #expect(StringFormat.isDateTime("2024-02-29T10:00:00.123+05:30"))
        #expect(!StringFormat.isDateTime("2025-02-29T10:00:00Z"))
        #expect(!StringFormat.isDateTime("2025-01-01"))
    }
}
