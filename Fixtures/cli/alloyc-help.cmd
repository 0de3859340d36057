$ alloyc fmt --help
$ alloyc run --help
