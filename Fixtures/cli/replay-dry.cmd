# Replay envelopes: accepted, rejected by reason, steps that would run.
$ alloyc compile ../examples/tickets -o $TMP/tickets.plan.json
$ alloy replay $TMP/tickets.plan.json replay-events.ndjson --dry-run
