# Bare data lines with --event and --user, summary only.
$ alloyc compile ../examples/tickets -o $TMP/tickets.plan.json
$ alloy replay $TMP/tickets.plan.json replay-bare.ndjson --event "Ticket Created" --user gregg --dry-run --quiet
