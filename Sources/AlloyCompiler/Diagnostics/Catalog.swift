/// One entry of the diagnostic catalog: what `alloyc explain CODE` prints and docs/diagnostics.md lists.
public struct CatalogEntry: Sendable {
    public var code: Diagnostic.Code
    /// One line, lowercase, no trailing period.
    public var summary: String
    /// A few paragraphs in plain text (wrapped at ~80 columns) explaining why this is an error and how to fix it.
    public var explanation: String
    /// A complete, self-contained `.alloy` project (one file) that triggers this code (and ideally nothing else).
    public var failing: String
    /// The same project, fixed: it must compile with no errors and no warnings at all.
    public var fixed: String

    public init(code: Diagnostic.Code, summary: String, explanation: String, failing: String, fixed: String) {
        self.code = code
        self.summary = summary
        self.explanation = explanation
        self.failing = failing
        self.fixed = fixed
    }
}

/// The catalog of every diagnostic code, in `Diagnostic.Code.allCases` order.
public enum Catalog {
    /// One entry per `Diagnostic.Code` case, in `Code.allCases` order.
    public static let all: [CatalogEntry] = Diagnostic.Code.allCases.map(\.entry)
}

extension Diagnostic.Code {
    /// The catalog entry of this code.
    public var entry: CatalogEntry {
        switch self {
        case .syntax:
            return CatalogEntry(
                code: self,
                summary: "the source is not well-formed: a missing or unexpected token, a malformed literal or an unterminated string",
                explanation: #"""
                The file could not be read as .alloy source at this point: a token is
                missing or unexpected (most often a '}', a ',' or a ':'), a literal is
                malformed (an unknown escape such as '\q', an integer that is too
                large), or a string or a '{{ }}' interpolation is not closed before the
                end of its line. A required clause that is missing, such as an event's
                'schema { … }' or a connector's 'base "https://…"', is reported here
                too.

                A project with any error produces no plan, so nothing runs until the
                file parses. The parser recovers at the next field, statement or
                declaration, so one slip does not hide the errors after it; a single
                missing token can still cause a follow-on report, so fix the first
                error and compile again.

                To fix it, look at the reported position: a missing token is reported
                just after the last thing that was read. A string may not span lines:
                close every '"' on the line where it opens, and write '\n' for a line
                break inside the text.
                """#,
                failing: #"""
                event "Ticket Created" {
                  schema {
                    title: String
                    priority: Int
                  }
                }

                workflow "Notify support" {
                  on "Ticket Created"

                  step notify = slack.postMessage {
                    channel: "#support
                    text: "New ticket: {{event.title}}"
                  }
                }
                """#,
                fixed: #"""
                event "Ticket Created" {
                  schema {
                    title: String
                    priority: Int
                  }
                }

                workflow "Notify support" {
                  on "Ticket Created"

                  step notify = slack.postMessage {
                    channel: "#support"
                    text: "New ticket: {{event.title}}"
                  }
                }
                """#)

        case .duplicateName:
            return CatalogEntry(
                code: self,
                summary: "one name is declared twice in the same scope",
                explanation: #"""
                Every event, type, connector and workflow name must be unique across
                the whole project (all files together), and within one scope every
                schema field, record field, action input, step, object key and sample
                field must be unique too. A loop variable also may not hide a root
                such as 'event' or 'steps', or a variable of an enclosing loop.

                A second declaration with the same name is almost always a copy and
                paste that was not renamed. If the compiler silently picked one of
                them, a workflow could read the output of the wrong step, or an event
                could be checked against the wrong schema, and the mistake would only
                show up when real users' data went to the wrong place.

                To fix it, rename one of the two (the note points at the first
                declaration), or delete the copy if it is not needed. For steps, give
                each one a name that says what it does, such as 'notify' and
                'escalate', so that 'steps.NAME' reads clearly.
                """#,
                failing: #"""
                event "Ticket Created" {
                  schema {
                    title: String
                    customerEmail: Email
                  }
                }

                workflow "Notify support" {
                  on "Ticket Created"

                  step notify = slack.postMessage {
                    channel: "#support"
                    text: "New ticket: {{event.title}}"
                  }
                  step notify = slack.postMessage {
                    channel: "#account-managers"
                    text: "{{event.customerEmail}} opened a ticket"
                  }
                }
                """#,
                fixed: #"""
                event "Ticket Created" {
                  schema {
                    title: String
                    customerEmail: Email
                  }
                }

                workflow "Notify support" {
                  on "Ticket Created"

                  step notify = slack.postMessage {
                    channel: "#support"
                    text: "New ticket: {{event.title}}"
                  }
                  step tellAccountManager = slack.postMessage {
                    channel: "#account-managers"
                    text: "{{event.customerEmail}} opened a ticket"
                  }
                }
                """#)

        case .unknownEvent:
            return CatalogEntry(
                code: self,
                summary: "a workflow's 'on' names an event that is not declared",
                explanation: #"""
                A workflow runs when the event named by its 'on' line is sent, and
                'event.…' inside it is typed by that event's schema. When the name
                matches no 'event "…"' declaration in the project, the workflow could
                never run, and none of its expressions can be checked.

                Event names are compared exactly, including case and spaces, so this
                usually means a typo or an event that was renamed. The compiler
                suggests the closest declared name ("did you mean …?") and offers a
                fix-it when exactly one name is close.

                To fix it, write the event's name exactly as it is declared, or
                declare the event (with its 'schema { … }') if it does not exist yet.
                """#,
                failing: #"""
                event "Ticket Created" {
                  schema {
                    title: String
                    priority: Int
                  }
                }

                workflow "Notify support" {
                  on "Ticket Created"
                  step notify = slack.postMessage {
                    channel: "#support"
                    text: "New ticket: {{event.title}}"
                  }
                }

                workflow "Escalate urgent tickets" {
                  on "Ticket Craeted"
                  if event.priority >= 3 {
                    step escalate = slack.postMessage {
                      channel: "#escalations"
                      text: "Urgent: {{event.title}}"
                    }
                  }
                }
                """#,
                fixed: #"""
                event "Ticket Created" {
                  schema {
                    title: String
                    priority: Int
                  }
                }

                workflow "Notify support" {
                  on "Ticket Created"
                  step notify = slack.postMessage {
                    channel: "#support"
                    text: "New ticket: {{event.title}}"
                  }
                }

                workflow "Escalate urgent tickets" {
                  on "Ticket Created"
                  if event.priority >= 3 {
                    step escalate = slack.postMessage {
                      channel: "#escalations"
                      text: "Urgent: {{event.title}}"
                    }
                  }
                }
                """#)

        case .unknownType:
            return CatalogEntry(
                code: self,
                summary: "a type name that is neither built in nor declared with 'type'",
                explanation: #"""
                Every type written in a schema, a record, a 'type' declaration or an
                action's input and output must be a built-in type (String, Int,
                Number, Bool, Email, URL, DateTime, JSON) or the name of a
                'type Name = …' declared somewhere in the project. Type names are
                case-sensitive.

                Types are what let the compiler check a mapping before it runs: with
                an unknown type, every field reached through it is unchecked, and a
                wrong path would only fail when a real event arrives. The compiler
                suggests the closest known name ("did you mean …?"), with a fix-it
                when exactly one name is close.

                To fix it, correct the spelling, or add the missing declaration, such
                as 'type Customer = { id: String, plan: String }'.
                """#,
                failing: #"""
                type Customer = {
                  id: String
                  plan: "free" | "pro" | "enterprise"
                }

                event "Ticket Created" {
                  schema {
                    title: String
                    customer: Custmer
                  }
                }

                workflow "Notify support" {
                  on "Ticket Created"

                  step notify = slack.postMessage {
                    channel: "#support"
                    text: "New ticket from a {{event.customer.plan}} customer: {{event.title}}"
                  }
                }
                """#,
                fixed: #"""
                type Customer = {
                  id: String
                  plan: "free" | "pro" | "enterprise"
                }

                event "Ticket Created" {
                  schema {
                    title: String
                    customer: Customer
                  }
                }

                workflow "Notify support" {
                  on "Ticket Created"

                  step notify = slack.postMessage {
                    channel: "#support"
                    text: "New ticket from a {{event.customer.plan}} customer: {{event.title}}"
                  }
                }
                """#)

        case .unknownConnector:
            return CatalogEntry(
                code: self,
                summary: "a step calls a connector that does not exist",
                explanation: #"""
                In 'step name = connector.action { … }', the connector must be one of
                the standard library's (such as 'slack'), the built-in 'http', or one
                declared in the project with 'connector name { … }'. Connector names
                are case-sensitive.

                The connector says where the request goes, how the end user's
                credential is sent and what the action's inputs and output are.
                Without it the step's inputs cannot be checked and the step could not
                be run, so the workflow is rejected now rather than failing for your
                users later. The compiler suggests a close name ("did you mean …?"),
                with a fix-it when exactly one is close.

                To fix it, correct the name, or declare the connector with its
                'base "https://…"', its 'auth' and the actions you call.
                """#,
                failing: #"""
                event "Ticket Created" {
                  schema {
                    title: String
                    customerEmail: Email
                  }
                }

                workflow "Notify support" {
                  on "Ticket Created"

                  step notify = Slack.postMessage {
                    channel: "#support"
                    text: "New ticket from {{event.customerEmail}}: {{event.title}}"
                  }
                }
                """#,
                fixed: #"""
                event "Ticket Created" {
                  schema {
                    title: String
                    customerEmail: Email
                  }
                }

                workflow "Notify support" {
                  on "Ticket Created"

                  step notify = slack.postMessage {
                    channel: "#support"
                    text: "New ticket from {{event.customerEmail}}: {{event.title}}"
                  }
                }
                """#)

        case .unknownAction:
            return CatalogEntry(
                code: self,
                summary: "a step calls an action its connector does not declare",
                explanation: #"""
                A connector only offers the actions it declares with
                'action name = METHOD "/path" { … }'. The step names an action that
                is not among them; a note lists the actions the connector has.

                Action names often differ between APIs ('sendMessage', 'postMessage',
                'createMessage'), and the action determines which HTTP request is
                made and which inputs are required. Catching the wrong name at
                compile time means the workflow never sends a request to an endpoint
                that does not exist. The compiler suggests the closest action
                ("did you mean …?"), with a fix-it when exactly one is close.

                To fix it, use one of the listed actions, or add the action to your
                own connector with its method, path, input and output.
                """#,
                failing: #"""
                event "Ticket Created" {
                  schema {
                    title: String
                    priority: Int
                  }
                }

                workflow "Notify support" {
                  on "Ticket Created"

                  step notify = slack.sendMessage {
                    channel: "#support"
                    text: "New ticket (priority {{event.priority}}): {{event.title}}"
                  }
                }
                """#,
                fixed: #"""
                event "Ticket Created" {
                  schema {
                    title: String
                    priority: Int
                  }
                }

                workflow "Notify support" {
                  on "Ticket Created"

                  step notify = slack.postMessage {
                    channel: "#support"
                    text: "New ticket (priority {{event.priority}}): {{event.title}}"
                  }
                }
                """#)

        case .unknownField:
            return CatalogEntry(
                code: self,
                summary: "a path names a field that its type does not have",
                explanation: #"""
                In a path such as 'event.customerEmail' or 'steps.notify.ts', each
                name after a '.' must be a field of the type before it: the event's
                schema, a step's output type, or a record type. Reading a field of a
                scalar (a String, a number) or of an array is also an error; loop
                over an array with 'for', index it with '[0]', or take 'len(…)'.

                Events arrive with extra fields that the schema does not mention, so
                a misspelt field would not fail loudly at run time: it would quietly
                read nothing, and a customer would get a message with a blank in it.
                The compiler rejects the path instead, and suggests the closest field
                ("did you mean …?"), with a fix-it when exactly one is close.

                To fix it, use the field's name exactly as the schema or the action's
                output declares it, or add the field to the schema if the event
                really sends it.
                """#,
                failing: #"""
                event "Contact Created" {
                  schema {
                    fullName: String
                    customerEmail: Email
                    company: String
                  }
                }

                workflow "Announce new CRM contacts" {
                  on "Contact Created"

                  step announce = slack.postMessage {
                    channel: "#sales"
                    text: "New contact: {{event.fullName}}, {{event.customer_email}}"
                  }
                }
                """#,
                fixed: #"""
                event "Contact Created" {
                  schema {
                    fullName: String
                    customerEmail: Email
                    company: String
                  }
                }

                workflow "Announce new CRM contacts" {
                  on "Contact Created"

                  step announce = slack.postMessage {
                    channel: "#sales"
                    text: "New contact: {{event.fullName}}, {{event.customerEmail}}"
                  }
                }
                """#)

        case .unknownStep:
            return CatalogEntry(
                code: self,
                summary: "a step reference names a step that is not declared, or that does not run before this point",
                explanation: #"""
                'steps.NAME' reads the output of a step of the same workflow, and that
                step must run before this point on every path. The message says which
                case applies: no step has that name, the step is declared later in
                the workflow, or it is declared inside an 'if' or 'for' block that
                does not enclose this use.

                Statements run in order, so a step cannot read the output of one that
                has not run yet: at run time the value would simply not exist. The
                compiler catches this before any request is sent. For a misspelt
                name it suggests the closest step ("did you mean …?"), with a fix-it
                when exactly one is close.

                To fix it, move the step you depend on above the step that uses it,
                correct the name, or use the value after the block that declares it,
                where it is optional ('steps.escalate.ts ?? "none"').
                """#,
                failing: #"""
                event "Ticket Created" {
                  schema {
                    title: String
                    priority: Int
                  }
                }

                workflow "Notify support" {
                  on "Ticket Created"

                  step details = slack.postMessage {
                    channel: "#support"
                    text: "Priority {{event.priority}}"
                    thread_ts: steps.notify.ts
                  }
                  step notify = slack.postMessage {
                    channel: "#support"
                    text: "New ticket: {{event.title}}"
                  }
                }
                """#,
                fixed: #"""
                event "Ticket Created" {
                  schema {
                    title: String
                    priority: Int
                  }
                }

                workflow "Notify support" {
                  on "Ticket Created"

                  step notify = slack.postMessage {
                    channel: "#support"
                    text: "New ticket: {{event.title}}"
                  }
                  step details = slack.postMessage {
                    channel: "#support"
                    text: "Priority {{event.priority}}"
                    thread_ts: steps.notify.ts
                  }
                }
                """#)

        case .unknownName:
            return CatalogEntry(
                code: self,
                summary: "a bare name that is not a root or a loop variable",
                explanation: #"""
                Every expression starts from one of the roots: 'event' (the data of
                the event that triggered the workflow), 'steps.NAME' (the output of an
                earlier step), 'user.id' (the end user the event was sent for), or
                the variable of an enclosing 'for' loop. Any other bare name is
                unknown; in particular the event is always called 'event', whatever
                its name or content.

                An unknown name has no type and no value, so a workflow using it
                could not produce the message or request you meant. The compiler
                suggests the closest root or variable ("did you mean …?"), with a
                fix-it when exactly one is close; a function name used without
                parentheses gets a hint to call it.

                To fix it, start the path from 'event', 'steps' or 'user', or use the
                loop variable's exact name.
                """#,
                failing: #"""
                event "Ticket Created" {
                  schema {
                    title: String
                    customerEmail: Email
                  }
                }

                workflow "Notify support" {
                  on "Ticket Created"

                  step notify = slack.postMessage {
                    channel: "#support"
                    text: "New ticket from {{event.customerEmail}}: {{ticket.title}}"
                  }
                }
                """#,
                fixed: #"""
                event "Ticket Created" {
                  schema {
                    title: String
                    customerEmail: Email
                  }
                }

                workflow "Notify support" {
                  on "Ticket Created"

                  step notify = slack.postMessage {
                    channel: "#support"
                    text: "New ticket from {{event.customerEmail}}: {{event.title}}"
                  }
                }
                """#)

        case .unknownFunction:
            return CatalogEntry(
                code: self,
                summary: "a call of a function that does not exist, or with the wrong number of arguments",
                explanation: #"""
                Expressions can call a small, typed library of functions: upper,
                lower, trim (String to String), len (a String or an array to Int),
                join([String], String), string(x) (a scalar to String) and
                contains(String or array, value). A default value is written with
                '??', not with a function. Calling any other name, or one of these
                with the wrong number of arguments, is an error.

                The library is small on purpose: every function has a known type and
                cannot fail on well-typed input, so a mapping that compiles behaves
                the same for every user. The compiler suggests the closest function
                ("did you mean …?"), lists the functions when none is close, and
                shows the signature when the number of arguments is wrong.

                To fix it, use one of the library functions with the arguments its
                signature shows, such as 'upper(event.title)' or
                'join(event.tags, ", ")'.
                """#,
                failing: #"""
                event "Invoice Overdue" {
                  schema {
                    invoiceNumber: String
                    customerName: String
                    daysOverdue: Int
                  }
                }

                workflow "Chase overdue invoices" {
                  on "Invoice Overdue"

                  step remind = slack.postMessage {
                    channel: "#collections"
                    text: "{{uppercase(event.customerName)}} owes invoice {{event.invoiceNumber}}"
                  }
                }
                """#,
                fixed: #"""
                event "Invoice Overdue" {
                  schema {
                    invoiceNumber: String
                    customerName: String
                    daysOverdue: Int
                  }
                }

                workflow "Chase overdue invoices" {
                  on "Invoice Overdue"

                  step remind = slack.postMessage {
                    channel: "#collections"
                    text: "{{upper(event.customerName)}} owes invoice {{event.invoiceNumber}}"
                  }
                }
                """#)

        case .typeMismatch:
            return CatalogEntry(
                code: self,
                summary: "a value whose type is not assignable where it is used",
                explanation: #"""
                Every place that takes a value has a type: an action's inputs, the
                operands of an operator, an 'if' condition (Bool), the sequence of a
                'for' loop (an array), a function's arguments. The value written
                there must be assignable to that type: an Int where a Number is
                wanted, an Email where a String is wanted, and so on. A JSON value is
                opaque: it can be passed on, but not read into.

                This is the check that catches mapping mistakes before they reach
                real users: a number sent where an API expects text, an array where
                it expects one value, a string compared with a number. Without it the
                third-party API would reject the request, or worse, accept a wrong
                value, only when the workflow runs for a real user.

                To fix it, pass a value of the expected type: convert a scalar with
                string(…) or interpolate it ("{{…}}"), join an array with
                join(…, ", "), or pick the field that holds what you meant.
                """#,
                failing: #"""
                event "Invoice Paid" {
                  schema {
                    invoiceNumber: String
                    amount: Number
                  }
                }

                workflow "Announce paid invoices" {
                  on "Invoice Paid"

                  step announce = slack.postMessage {
                    channel: "#finance"
                    text: event.amount
                  }
                }
                """#,
                fixed: #"""
                event "Invoice Paid" {
                  schema {
                    invoiceNumber: String
                    amount: Number
                  }
                }

                workflow "Announce paid invoices" {
                  on "Invoice Paid"

                  step announce = slack.postMessage {
                    channel: "#finance"
                    text: "Invoice {{event.invoiceNumber}} was paid: {{event.amount}}"
                  }
                }
                """#)

        case .optionalValue:
            return CatalogEntry(
                code: self,
                summary: "an optional value used where a value is required",
                explanation: #"""
                A field declared 'T?' may be missing or null, and so is any path
                through an optional value, an index 'a[0]', or a step declared inside
                an 'if'. Such a value cannot be used where a value is required: a
                required action input, an interpolation, an operand of an operator or
                an argument of a function.

                Optional fields are exactly the ones that are absent for some users
                and present for others, so a workflow that works in a test can fail,
                or post "null" into a customer's channel, for the first real event
                without the field. The compiler makes you decide now what happens
                when the value is missing.

                To fix it, give a default with '??' (the compiler offers a fix-it
                such as 'event.description ?? ""' when a default is obvious), or test
                the value first with 'if x != null { … }', inside which it is not
                optional. If the value is in fact always present, make the field
                required in the schema.
                """#,
                failing: #"""
                event "Ticket Created" {
                  schema {
                    title: String
                    description: String?
                  }
                }

                workflow "Notify support" {
                  on "Ticket Created"

                  step notify = slack.postMessage {
                    channel: "#support"
                    text: "{{event.title}}: {{event.description}}"
                  }
                }
                """#,
                fixed: #"""
                event "Ticket Created" {
                  schema {
                    title: String
                    description: String?
                  }
                }

                workflow "Notify support" {
                  on "Ticket Created"

                  step notify = slack.postMessage {
                    channel: "#support"
                    text: "{{event.title}}: {{event.description ?? "no description"}}"
                  }
                }
                """#)

        case .missingInput:
            return CatalogEntry(
                code: self,
                summary: "a required action input is not given",
                explanation: #"""
                An action declares its inputs, and every input whose type is not
                optional ('T?') or JSON must be given in the step. The message names
                the missing input and its type, and a note points at its declaration.

                A request without a required field would be rejected by the
                third-party API, but only when the workflow runs for a real user,
                where the failure is hard to notice and harder to debug. Checking the
                inputs at compile time keeps that failure on your machine.

                To fix it, add 'name: value' for the missing input to the step.
                Inputs that are optional, such as 'thread_ts' of slack.postMessage,
                can be left out.
                """#,
                failing: #"""
                event "Ticket Created" {
                  schema {
                    title: String
                    priority: Int
                  }
                }

                workflow "Notify support" {
                  on "Ticket Created"

                  step notify = slack.postMessage {
                    channel: "#support"
                  }
                }
                """#,
                fixed: #"""
                event "Ticket Created" {
                  schema {
                    title: String
                    priority: Int
                  }
                }

                workflow "Notify support" {
                  on "Ticket Created"

                  step notify = slack.postMessage {
                    channel: "#support"
                    text: "New ticket (priority {{event.priority}}): {{event.title}}"
                  }
                }
                """#)

        case .unknownInput:
            return CatalogEntry(
                code: self,
                summary: "a step gives an input that the action does not declare",
                explanation: #"""
                A step may only give the inputs its action declares; a note lists
                them. Input names are case-sensitive and are spelt as the API spells
                them ('thread_ts', not 'threadTs').

                An unknown input is nearly always a misspelling of a real one, and a
                misspelt optional input would be silently ignored: the value you
                mapped would never reach the API, and the workflow would look like it
                works while doing something else. The compiler suggests the closest
                input not already given ("did you mean …?"), with a fix-it when
                exactly one is close.

                To fix it, rename the input to one the action declares, remove it,
                or, for your own connector, add it to the action's 'input { … }'.
                """#,
                failing: #"""
                event "Ticket Created" {
                  schema {
                    title: String
                    priority: Int
                  }
                }

                workflow "Notify support" {
                  on "Ticket Created"

                  step notify = slack.postMessage {
                    channel: "#support"
                    text: "New ticket: {{event.title}}"
                  }
                  step details = slack.postMessage {
                    channel: "#support"
                    text: "Priority {{event.priority}}"
                    threadTs: steps.notify.ts
                  }
                }
                """#,
                fixed: #"""
                event "Ticket Created" {
                  schema {
                    title: String
                    priority: Int
                  }
                }

                workflow "Notify support" {
                  on "Ticket Created"

                  step notify = slack.postMessage {
                    channel: "#support"
                    text: "New ticket: {{event.title}}"
                  }
                  step details = slack.postMessage {
                    channel: "#support"
                    text: "Priority {{event.priority}}"
                    thread_ts: steps.notify.ts
                  }
                }
                """#)

        case .invalidSample:
            return CatalogEntry(
                code: self,
                summary: "a sample value does not match the event's schema",
                explanation: #"""
                Each 'sample { … }' of an event is checked against the event's schema
                at compile time: every required field must be present, no field may
                be unknown, every value must have the field's type, Email, URL and
                DateTime values must be well-formed, and a value of a literal union
                must be one of its strings.

                Samples drive test runs ('--sample') and documentation, so a sample
                that the real event could never look like makes tests pass for the
                wrong reason. A mismatch often means the schema itself is wrong: the
                sample was copied from a real payload and the schema was not.
                Unknown sample fields come with a "did you mean" suggestion.

                To fix it, correct the sample value, or, if the sample shows what the
                event really sends, correct the schema (make the field optional, or
                change its type).
                """#,
                failing: #"""
                event "Ticket Created" {
                  schema {
                    title: String
                    customerEmail: Email
                    priority: Int
                  }
                  sample {
                    title: "Cannot export invoices"
                    customerEmail: "dana@example.com"
                    priority: "high"
                  }
                }

                workflow "Notify support" {
                  on "Ticket Created"

                  step notify = slack.postMessage {
                    channel: "#support"
                    text: "P{{event.priority}} from {{event.customerEmail}}: {{event.title}}"
                  }
                }
                """#,
                fixed: #"""
                event "Ticket Created" {
                  schema {
                    title: String
                    customerEmail: Email
                    priority: Int
                  }
                  sample {
                    title: "Cannot export invoices"
                    customerEmail: "dana@example.com"
                    priority: 3
                  }
                }

                workflow "Notify support" {
                  on "Ticket Created"

                  step notify = slack.postMessage {
                    channel: "#support"
                    text: "P{{event.priority}} from {{event.customerEmail}}: {{event.title}}"
                  }
                }
                """#)

        case .invalidLiteral:
            return CatalogEntry(
                code: self,
                summary: "a string literal outside a literal union, or a malformed email, url or date-time literal",
                explanation: #"""
                A literal union such as '"free" | "pro" | "enterprise"' admits only
                those strings, so comparing it with, or passing in its place, any
                other string is an error. Likewise a string literal used as an Email,
                URL or DateTime must be well-formed, a connector's base must be an
                absolute http(s) URL, and an action's path must start with '/'.

                A comparison with a string the value can never hold is always false:
                the branch it guards would silently never run, and nobody would
                notice that enterprise tickets were never routed. A malformed
                address or URL would only fail when the request is sent. The
                compiler suggests the closest allowed string ("did you mean …?").

                To fix it, use one of the union's strings (the message lists them),
                add the new string to the union if the event can really send it, or
                correct the malformed literal.
                """#,
                failing: #"""
                event "Ticket Created" {
                  schema {
                    title: String
                    plan: "free" | "pro" | "enterprise"
                  }
                }

                workflow "Route enterprise tickets" {
                  on "Ticket Created"

                  if event.plan == "premium" {
                    step notify = slack.postMessage {
                      channel: "#enterprise-support"
                      text: "Enterprise ticket: {{event.title}}"
                    }
                  }
                }
                """#,
                fixed: #"""
                event "Ticket Created" {
                  schema {
                    title: String
                    plan: "free" | "pro" | "enterprise"
                  }
                }

                workflow "Route enterprise tickets" {
                  on "Ticket Created"

                  if event.plan == "enterprise" {
                    step notify = slack.postMessage {
                      channel: "#enterprise-support"
                      text: "Enterprise ticket: {{event.title}}"
                    }
                  }
                }
                """#)

        case .recursiveType:
            return CatalogEntry(
                code: self,
                summary: "a type declaration that refers to itself",
                explanation: #"""
                A 'type' declaration may not refer to itself, directly (as in
                'type Node = { children: [Node] }') or through other types (A uses B,
                and B uses A). The message shows the cycle.

                Types describe JSON documents of finite depth: they are expanded when
                the project is compiled, exported as schemas, and used to check every
                path. A type that contains itself has no finite description, so the
                compiler rejects it rather than guess how deep the data goes.

                To fix it, describe the levels you actually read with separate types
                (a Comment with a list of Reply), or type the nested part as JSON,
                which can be passed on but not read into.
                """#,
                failing: #"""
                type Comment = {
                  author: String
                  body: String
                  replies: [Comment]
                }

                event "Ticket Commented" {
                  schema {
                    ticketId: String
                    comment: Comment
                  }
                }

                workflow "Post ticket comments" {
                  on "Ticket Commented"

                  step notify = slack.postMessage {
                    channel: "#support"
                    text: "{{event.comment.author}} commented on ticket {{event.ticketId}}"
                  }
                }
                """#,
                fixed: #"""
                type Comment = {
                  author: String
                  body: String
                  replies: [JSON]
                }

                event "Ticket Commented" {
                  schema {
                    ticketId: String
                    comment: Comment
                  }
                }

                workflow "Post ticket comments" {
                  on "Ticket Commented"

                  step notify = slack.postMessage {
                    channel: "#support"
                    text: "{{event.comment.author}} commented on ticket {{event.ticketId}}"
                  }
                }
                """#)

        case .unusedEvent:
            return CatalogEntry(
                code: self,
                summary: "an event that no workflow is triggered by",
                explanation: #"""
                This is a warning: the event is declared, but no workflow in the
                project has 'on "…"' with its name, so sending it does nothing.

                An unused event is often the other half of a typo: a workflow's 'on'
                line names a slightly different event (which is reported as
                unknown-event), or the workflow was deleted or renamed and the event
                was left behind. Either way, events your app sends for real users
                would be silently dropped.

                To fix it, add a workflow triggered by the event
                ('on "Event Name"'), correct the 'on' line of the workflow that was
                meant to handle it, or remove the event if it is no longer sent.
                """#,
                failing: #"""
                event "Ticket Created" {
                  schema { title: String, customerEmail: Email }
                }

                event "Ticket Closed" {
                  schema { title: String, resolution: String }
                }

                workflow "Notify support" {
                  on "Ticket Created"
                  step notify = slack.postMessage {
                    channel: "#support"
                    text: "New ticket: {{event.title}}"
                  }
                }
                """#,
                fixed: #"""
                event "Ticket Created" {
                  schema { title: String, customerEmail: Email }
                }

                event "Ticket Closed" {
                  schema { title: String, resolution: String }
                }

                workflow "Notify support" {
                  on "Ticket Created"
                  step notify = slack.postMessage {
                    channel: "#support"
                    text: "New ticket: {{event.title}}"
                  }
                }

                workflow "Report closed tickets" {
                  on "Ticket Closed"
                  step report = slack.postMessage {
                    channel: "#support"
                    text: "Closed {{event.title}}: {{event.resolution}}"
                  }
                }
                """#)
        }
    }
}
