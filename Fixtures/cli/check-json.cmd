$ alloyc check --format json bad-project
