# The seed example checks cleanly.
$ alloyc check ../examples/tickets
