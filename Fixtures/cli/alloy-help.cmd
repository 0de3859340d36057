$ alloy --help
$ alloy run --help
$ alloy replay --help
$ alloy serve --help
$ alloy bogus
