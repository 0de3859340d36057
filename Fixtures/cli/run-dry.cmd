# Compile the seed example, then dry-run its sample: each step that would run, as JSON lines.
$ alloyc compile ../examples/tickets -o $TMP/tickets.plan.json
$ alloy run $TMP/tickets.plan.json --event "Ticket Created" --sample --dry-run
