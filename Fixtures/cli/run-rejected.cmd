# Invalid data: every problem at once, exit 1, nothing runs.
$ alloyc run ../examples/tickets --event "Ticket Created" --user gregg --data '{"ticketName":5,"priority":"high","tags":[],"customer":{"id":"c","plan":"premium"}}'
