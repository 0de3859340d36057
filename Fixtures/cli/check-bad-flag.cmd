$ alloyc check --bogus
