# A user without a Slack credential: the error names the user and the connector; no request is sent.
$ alloyc run ../examples/tickets --event "Ticket Created" --user mallory --sample --users users.json --base slack=http://127.0.0.1:9
