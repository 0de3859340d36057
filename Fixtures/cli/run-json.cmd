$ alloyc run ../examples/tickets --event "Ticket Created" --sample --dry-run --format json
