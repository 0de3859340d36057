# The plan goes to standard output without -o.
$ alloyc compile ../examples/tickets
