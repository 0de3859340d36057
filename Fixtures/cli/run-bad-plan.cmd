# A plan of an unknown format or a damaged plan: exit 2 with a clear message.
$ alloy run unknown-format.plan.json --event "Ticket Created" --sample
$ alloy run damaged.plan.json --event "Ticket Created" --sample
$ alloy run not-json.plan.json --event "Ticket Created" --sample
